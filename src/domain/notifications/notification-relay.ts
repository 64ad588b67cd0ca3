import type { Clock } from '../ports/clock.js';
import type { EventLog } from '../ports/event-log.js';
import type { NotificationOutbox, RelaySession } from '../ports/notification-outbox.js';
import type { Notification, NotificationKind } from '../ports/notifier.js';
import type { NotificationSubscriber } from './notification-bus.js';
import { isWrittenWithChange } from './written-with-change.js';

/**
 * Rows older than this are skipped by the relay, with a log line, rather than posted: after a long
 * downtime an alert about a suspension an hour old is noise in the alerts channel (the alert desk's
 * state, the activity log and the Home tab hold it anyway), and a first start never floods Slack.
 */
export const RELAY_MAX_AGE_MS = 3_600_000;
/**
 * How often a relay looks anyway. Appends wake it at once (its own process's directly, other
 * processes' through LISTEN/NOTIFY); the poll is for a listening connection that was lost.
 */
export const RELAY_POLL_MS = 2_000;
/**
 * Kinds no relay hands on to anyone: told to the listeners of the process that made them and never
 * written to the outbox. A `digest.ready` is the digest of a process with no digest channel, for its
 * console to print; a Slack process posts its own digest (daily-digest.ts) and ignores the kind.
 */
const NOT_RELAYED: ReadonlySet<NotificationKind> = new Set(['digest.ready']);
/** Rows read per look: a backlog is handed on in batches, the cursor moving after each row. */
const BATCH = 100;

/** What makes a relay look every `pollMs` (wiring: Node's timers, unref'd; tests: one that never fires). */
export interface RelayTimer {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface RelayOptions {
  /** Names the cursor (`notification_cursor.consumer`) and the relay lock: one relaying process per consumer. */
  consumer: string;
  maxAgeMs?: number;
  pollMs?: number;
  /** Over the process's timer (tests: one that never fires by itself; they call `poll()` or `settled()`). */
  timer?: RelayTimer;
  /** Listen for other processes' appends (wakes at once rather than at the next poll); default true. */
  listen?: boolean;
}

/**
 * The notification outbox (issue 12): every process writes each notification its bus carries (but
 * the kinds no relay hands on) to `notification_outbox`, in order, and relays in the processes that
 * post to Slack hand the rows on to their subscribers, so an action in the console or on another
 * replica reaches Slack like a local one, and a notification whose process crashes before posting
 * is still posted.
 *
 * A status change's notification is written by the campaign store in the change's own transaction
 * (they commit together: a crash loses neither alone); the bus's writer passes it. The others are
 * written after their change committed, from the bus (never blocking or failing the caller): a
 * process that dies within the few milliseconds between the commit and the insert loses that one
 * notification. `settled()` waits for the writes (the bus's), so a clean stop loses none.
 */
export class OutboxNotifications {
  private readonly relays = new Set<NotificationRelay>();

  constructor(private readonly o: { outbox: NotificationOutbox; clock: Clock; log: EventLog; timer: RelayTimer }) {}

  /** The bus subscriber that appends each notification (the bus keeps the order and the queue). */
  readonly write = async (notification: Notification): Promise<void> => {
    if (NOT_RELAYED.has(notification.kind)) return;
    try {
      // A status change's notification is in the outbox already (its change's transaction wrote it).
      if (!isWrittenWithChange(notification)) await this.o.outbox.append(notification, this.o.clock.now());
    } catch (error) {
      this.o.log('notification.outbox_write_failed', { kind: notification.kind, error: message(error) }, 'error');
      return;
    }
    for (const relay of this.relays) relay.wake();
  };

  /** A relay of this process, woken by its own appends; `start()` it where Slack is configured. */
  relay(options: RelayOptions): NotificationRelay {
    const relay = new NotificationRelay({ ...this.o, ...options }, () => this.relays.delete(relay));
    this.relays.add(relay);
    return relay;
  }

  /** Deletes rows older than `before` (the hourly prune job). */
  prune(before: Date): Promise<number> {
    return this.o.outbox.prune(before);
  }
}

/**
 * Hands the outbox's rows after its cursor to its subscribers, in id order, moving the cursor after
 * each; only the process holding the consumer's relay lock does, so replicas do not post twice.
 * At least once: a crash between a subscriber's post and the cursor's move hands that row on again
 * (the alert desk and the activity threads tolerate a repeat). A subscriber's error is logged and
 * the row is passed (a Slack outage does not stop the relay behind one notification).
 */
export class NotificationRelay {
  private readonly subscribers: NotificationSubscriber[] = [];
  private ready: Promise<void> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private handle: unknown = null;
  private readonly timer: RelayTimer;
  /** The LISTEN connection while there is one (null: none, or it ended; the next poll listens again). */
  private listening: Promise<{ close(): Promise<void> } | null> | null = null;
  /** Whether the last attempt to listen failed (said once, not at every poll). */
  private listenFailed = false;

  constructor(
    private readonly o: RelayOptions & { outbox: NotificationOutbox; clock: Clock; log: EventLog; timer: RelayTimer },
    private readonly detach: () => void,
  ) {
    this.timer = o.timer;
  }

  subscribe(subscriber: NotificationSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Sets the cursor at the current end if the consumer has none, and looks every `pollMs`. */
  start(): void {
    this.stopped = false;
    this.begin();
    this.listen();
    this.handle ??= this.timer.setInterval(() => {
      this.listen();
      this.wake();
    }, this.o.pollMs ?? RELAY_POLL_MS);
  }

  /** Listens for appends of every process, unless it does already (or was told not to). */
  private listen(): void {
    if (this.o.listen === false || this.listening || this.stopped) return;
    const { consumer, log } = this.o;
    const lost = (error: Error) => {
      this.listening = null;
      log('notification.relay_listen_lost', { consumer, error: message(error), why: 'other processes are heard at the next poll until it listens again' }, 'warn');
    };
    this.listening = this.o.outbox.listen(() => this.wake(), lost).then(
      (listener) => {
        log('notification.relay_listening', { consumer, ...(this.listenFailed ? { again: true } : {}) });
        this.listenFailed = false;
        return listener;
      },
      (error: unknown) => {
        this.listening = null;
        if (!this.listenFailed) log('notification.relay_listen_failed', { consumer, error: message(error), why: 'other processes are heard at each poll instead' }, 'warn');
        this.listenFailed = true;
        return null;
      },
    );
  }

  /** The cursor's first setting (retried by the next look if it failed; a look under the lock sets it too). */
  private begin(): Promise<void> {
    return (this.ready ??= this.o.outbox.startCursor(this.o.consumer, this.o.clock.now()).catch((error: unknown) => {
      this.ready = null;
      this.o.log('notification.relay_failed', { consumer: this.o.consumer, error: message(error) }, 'error');
    }));
  }

  /** Look now (an append of this or another process, the poll). */
  wake(): void {
    // Only once started (a relay made but not started is no one's to wake).
    if (!this.stopped && this.handle !== null) void this.poll();
  }

  /** Hands on every row after the cursor; resolves when none is left (or another process relays now). */
  poll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = (async () => {
      do {
        this.again = false;
        try {
          await this.drain();
        } catch (error) {
          this.o.log('notification.relay_failed', { consumer: this.o.consumer, error: message(error) }, 'warn');
        }
      } while (this.again && !this.stopped);
    })();
    this.running = run.finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Resolves once what was written so far has been handed on (by this relay; or another holds the lock). */
  settled(): Promise<void> {
    return this.poll();
  }

  /** Looks no more; resolves once the look in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle !== null) this.timer.clearInterval(this.handle);
    this.handle = null;
    const listening = this.listening;
    this.listening = null;
    await (await listening)?.close();
    await this.running;
    this.detach();
  }

  private async drain(): Promise<void> {
    await this.begin();
    for (;;) {
      const read = await this.o.outbox.withRelayLock(this.o.consumer, (session) => this.batch(session));
      if (read === null || read < BATCH || this.stopped) return;
    }
  }

  private async batch(session: RelaySession): Promise<number> {
    const { clock, consumer, log } = this.o;
    const maxAgeMs = this.o.maxAgeMs ?? RELAY_MAX_AGE_MS;
    const entries = await session.after(await session.cursor(clock.now()), BATCH);
    const stale: string[] = [];
    for (const entry of entries) {
      if (this.stopped) return 0;
      if (!entry.notification) log('notification.relay_unreadable', { consumer, id: entry.id, kind: entry.kind, why: 'not a notification this Herald knows' }, 'warn');
      else if (clock.now().getTime() - entry.createdAt.getTime() > maxAgeMs) stale.push(entry.id);
      else await this.deliver(entry.notification);
      await session.advance(entry.id, clock.now());
    }
    if (stale.length > 0) {
      log('notification.relay_skipped_stale', { consumer, count: stale.length, from: stale[0], to: stale.at(-1), olderThanMs: maxAgeMs, why: 'written too long ago to post now' }, 'warn');
    }
    return entries.length;
  }

  private async deliver(notification: Notification): Promise<void> {
    for (const subscriber of this.subscribers) {
      try {
        await subscriber(notification);
      } catch (error) {
        this.o.log('notification.subscriber_failed', { consumer: this.o.consumer, kind: notification.kind, error: message(error) }, 'warn');
      }
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
