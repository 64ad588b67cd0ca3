/** One email captured instead of sent: the file it is in, and the headers people look for. */
export interface CapturedMailEntry {
  file: string;
  date: Date | null;
  to: string | null;
  subject: string | null;
}

/** One SMS captured instead of sent. */
export interface CapturedSmsEntry {
  /** ISO time of the capture. */
  at: string;
  to: string;
  sender: string | null;
  text: string;
  segments: number;
}

/** Mail and SMS kept locally instead of sent (the embedded default), newest first: what `outbox` lists. */
export interface CapturedOutbox {
  /** Where they are kept, for people to open: the mail folder and the SMS file. */
  readonly where: { mail: string; sms: string };
  mail(limit: number): Promise<CapturedMailEntry[]>;
  sms(limit: number): Promise<CapturedSmsEntry[]>;
}
