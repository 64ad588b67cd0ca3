import type { Clock } from '../ports/clock.js';
import type { DeliveryStore, HandOver, SettledOutcome } from '../ports/delivery-store.js';

interface Round {
  handOvers: HandOver[];
  outcomes: SettledOutcome[];
  written: Promise<Set<string>>;
  resolve(handed: Set<string>): void;
  reject(error: unknown): void;
}

function newRound(): Round {
  let resolve!: Round['resolve'];
  let reject!: Round['reject'];
  const written = new Promise<Set<string>>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A caller may not wait for an outcome it settled; the failure still reaches whoever does.
  written.catch(() => {});
  return { handOvers: [], outcomes: [], written, resolve, reject };
}

/**
 * The delivery engine's writes to the ledger, in group commits and in order. A hand-over is committed
 * before its provider call, in the same statement as every outcome settled before it. So at any
 * moment the messages recorded as handed over but without an outcome are the ones really with a
 * provider (one per provider slot at most): a crash makes only those `unknown`, and a message that
 * was only claimed goes back to the queue. One write is in flight at a time; whatever arrives
 * meanwhile goes into the next one, so a busy engine writes many messages per statement.
 */
export class LedgerJournal {
  private next = newRound();
  private writing = false;

  constructor(
    private readonly store: Pick<DeliveryStore, 'writeLedger'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Records that `owner` hands message `id` to the provider now. Resolves true once committed, false
   * when the owner no longer holds the message (its lease was taken over): then it must not be sent.
   */
  async handOver(owner: string, id: string): Promise<boolean> {
    const round = this.next;
    round.handOvers.push({ id, owner });
    this.kick();
    return (await round.written).has(id);
  }

  /** Queues an attempt's outcome; resolves once committed (no later hand-over commits before it). */
  async settle(entry: SettledOutcome): Promise<void> {
    const round = this.next;
    round.outcomes.push(entry);
    this.kick();
    await round.written;
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = true;
    // Let the callers of this turn join the write before it starts.
    queueMicrotask(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.next.handOvers.length > 0 || this.next.outcomes.length > 0) {
      const round = this.next;
      this.next = newRound();
      try {
        const handed = await this.store.writeLedger(this.clock.now(), { handOvers: round.handOvers, outcomes: round.outcomes });
        round.resolve(new Set(handed));
      } catch (error) {
        // Its hand-overs are refused (those messages are not sent). Its outcomes go into the next
        // write, ahead of any later hand-over, so a failed write never lets more than the slots be in
        // doubt; if the database stays down, nothing more is handed over.
        this.next.outcomes.unshift(...round.outcomes);
        round.reject(error);
        if (this.next.handOvers.length === 0) break;
      }
    }
    this.writing = false;
  }
}
