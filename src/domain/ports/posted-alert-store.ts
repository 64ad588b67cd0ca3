/** What an alert is about: a cancel waiting for approval, a campaign in trouble, or a crash's unknown messages. */
export type AlertKind = 'approval' | 'suspended' | 'launch_failed' | 'overdue' | 'unknown';

/** One alert Herald posted: where it lives (to edit it in place), whether it is still open, and what it shows. */
export interface PostedAlert {
  kind: AlertKind;
  /** The approval id, the campaign id, or the crash's key. */
  subjectId: string;
  channel: string;
  ts: string;
  state: 'open' | 'closed';
  /** The alert's content as its renderer keeps it (the opening notification, the timeline). */
  detail: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** Alerts posted in the alerts channel, one per (kind, subject), kept so any replica can edit them after a restart. */
export interface PostedAlertStore {
  get(kind: AlertKind, subjectId: string): Promise<PostedAlert | null>;
  /** The alerts of these kinds about one subject that are still open. */
  openFor(kinds: readonly AlertKind[], subjectId: string): Promise<PostedAlert[]>;
  /** Records a newly posted alert (replacing an older one of the same kind and subject). */
  save(alert: PostedAlert): Promise<void>;
  /** Records a change of content or state (and the new place when it was posted again). */
  update(kind: AlertKind, subjectId: string, change: Partial<Pick<PostedAlert, 'channel' | 'ts' | 'state' | 'detail'>> & { updatedAt: Date }): Promise<void>;
}
