/** How much an event matters to whoever runs Herald; `debug` is per message, off by default. */
export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where the domain says what happened: an event name (`delivery.suspended`) and its fields, with the
 * campaign, run and message ids where they apply; never secrets, never message contents.
 */
export type EventLog = (event: string, fields: Record<string, unknown>, level?: EventLevel) => void;
