/** A tracked link of a campaign with its human clicks (link_click_count, kept as hits are written). */
export interface LinkClicks {
  id: number;
  /** The destination as rendered into the messages. */
  originalUrl: string;
  /** Where a click goes now (differs from originalUrl after an edit). */
  url: string;
  /** Human clicks (bots, scanners and proxies excluded). */
  total: number;
  /** Messages with at least one human click on the link. */
  unique: number;
  updatedBy: string | null;
}

export type LinkEdit =
  | { ok: true; old: string; url: string }
  | { ok: false; why: 'not_found' | 'other_campaign'; campaignId?: number }
  /** `expectedUrl` was given and the link goes elsewhere now: nothing was changed. */
  | { ok: false; why: 'changed'; current: string };

/** The click map of a campaign and the edits of a link's destination. */
export interface ClickMap {
  links(campaignId: number): Promise<LinkClicks[]>;
  /**
   * Points a link of the campaign to `url` and records who changed it (old, new) in the campaign's
   * activity log, in one transaction. The click route reads the link at click time, so every
   * recipient's next click goes to the new destination. With `expectedUrl`, only if the link still
   * goes there (checked under the row's lock, so two edits never overwrite each other unseen).
   */
  editDestination(input: { campaignId: number; linkId: number; url: string; expectedUrl?: string; actor: string; now: Date }): Promise<LinkEdit>;
}
