/** Where a campaign's channel message of one kind lives (the activity thread's parent), shared by every replica. */
export interface ChannelThread {
  campaignId: number;
  kind: string;
  channel: string;
  /** The parent message; null while the replica that claimed it is posting it. */
  ts: string | null;
  owner: string;
  claimedAt: Date;
  /** The last activity-log entry replied in the thread (ids increase), or null for none yet. */
  lastActivityId: string | null;
}

/**
 * The stored threads: the right to post a parent is claimed with one insert (or one conditional
 * update to replace a deleted or abandoned one), so two replicas never post two parents; the
 * activity cursor moves by a conditional update, so each entry is replied once.
 */
export interface ChannelThreadStore {
  get(campaignId: number, kind: string): Promise<ChannelThread | null>;
  /** Inserts the claim (no ts yet); true when this caller won it (no row existed). */
  claim(campaignId: number, kind: string, channel: string, owner: string, at: Date): Promise<boolean>;
  /** Takes over the row as it was seen (a deleted parent, a stale claim, another channel); true when this caller won. */
  reclaim(seen: ChannelThread, channel: string, owner: string, at: Date): Promise<boolean>;
  /** Records the posted parent of a claim this caller holds. */
  setPosted(campaignId: number, kind: string, owner: string, ts: string): Promise<void>;
  /** Moves the activity cursor from `from` to `to`; true when this caller moved it (nobody else did meanwhile). */
  advanceCursor(campaignId: number, kind: string, from: string | null, to: string): Promise<boolean>;
}
