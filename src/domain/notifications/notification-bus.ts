import type { EventLog } from '../ports/event-log.js';
import type { Notification, Notifier } from '../ports/notifier.js';

/** One listener of the bus (the console's printer, the Slack edge's poster). */
export type NotificationSubscriber = (notification: Notification) => void | Promise<void>;

/**
 * Fan-out of notifications to subscribers. `notify` only queues: each subscriber is called on a
 * later turn of the event loop, its errors (thrown or rejected) are logged and dropped, so the
 * transition, tick or approval that emitted is never failed or slowed by a listener. Each
 * subscriber sees the notifications in the order they were emitted.
 */
export class NotificationBus implements Notifier {
  private readonly subscribers = new Set<NotificationSubscriber>();
  /** Deliveries queued or running, so a shutdown (or a test) can wait for them: `settled()`. */
  private readonly pending = new Set<Promise<void>>();
  /** Per subscriber, the end of its chain: the next notification waits for the previous one. */
  private readonly tails = new Map<NotificationSubscriber, Promise<void>>();

  constructor(private readonly log: EventLog) {}

  /** Adds a listener; the answer removes it. */
  subscribe(subscriber: NotificationSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
      this.tails.delete(subscriber);
    };
  }

  notify(notification: Notification): void {
    for (const subscriber of this.subscribers) {
      const previous = this.tails.get(subscriber) ?? Promise.resolve();
      const delivery = previous
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => subscriber(notification))
        .catch((error: unknown) => {
          this.log('notification.subscriber_failed', { kind: notification.kind, error: error instanceof Error ? error.message : String(error) }, 'warn');
        });
      this.tails.set(subscriber, delivery);
      this.pending.add(delivery);
      void delivery.finally(() => {
        this.pending.delete(delivery);
        if (this.tails.get(subscriber) === delivery) this.tails.delete(subscriber);
      });
    }
  }

  /** Resolves once every notification emitted so far has reached every subscriber (or failed there). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
