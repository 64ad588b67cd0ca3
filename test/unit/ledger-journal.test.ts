import { describe, expect, it } from 'vitest';
import { LedgerJournal } from '../../src/domain/delivery/ledger-journal.js';
import { ProviderSlots } from '../../src/domain/delivery/provider-slots.js';
import type { HandOver, SettledOutcome } from '../../src/domain/ports/delivery-store.js';
import { FixedClock } from '../fakes/fixed-clock.js';

interface Write {
  handOvers: string[];
  outcomes: string[];
}

/** A store whose writes the test releases one by one, recording what each carried. */
function heldStore(owned: (h: HandOver) => boolean = () => true) {
  const writes: Write[] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    writes,
    pending,
    async writeLedger(_now: Date, entries: { handOvers: HandOver[]; outcomes: SettledOutcome[] }): Promise<string[]> {
      writes.push({ handOvers: entries.handOvers.map((h) => h.id), outcomes: entries.outcomes.map((o) => o.outcome.id) });
      await new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
      return entries.handOvers.filter(owned).map((h) => h.id);
    },
  };
}

const settled = (id: string): SettledOutcome => ({ runId: 1, owner: 'w', outcome: { id, status: 'delivered', sent: true } });
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LedgerJournal: hand-overs and outcomes in ordered group commits', () => {
  it('writes everything asked in one turn together, and what comes during a write in the next one', async () => {
    const store = heldStore();
    const journal = new LedgerJournal(store, new FixedClock(new Date(0)));
    const a = journal.handOver('w', '1');
    const b = journal.handOver('w', '2');
    await turn();
    expect(store.writes).toEqual([{ handOvers: ['1', '2'], outcomes: [] }]);
    const s1 = journal.settle(settled('1'));
    const c = journal.handOver('w', '3');
    await turn();
    expect(store.writes).toHaveLength(1); // one write at a time
    store.pending.shift()!.resolve();
    expect(await a).toBe(true);
    expect(await b).toBe(true);
    await turn();
    // The outcome settled before hand-over 3 is committed with it, never after it.
    expect(store.writes[1]).toEqual({ handOvers: ['3'], outcomes: ['1'] });
    store.pending.shift()!.resolve();
    await s1;
    expect(await c).toBe(true);
  });

  it('answers false for a message its owner no longer holds, so it is not sent', async () => {
    const store = heldStore((h) => h.id !== '7');
    const journal = new LedgerJournal(store, new FixedClock(new Date(0)));
    const kept = journal.handOver('w', '6');
    const lost = journal.handOver('w', '7');
    await turn();
    store.pending.shift()!.resolve();
    expect([await kept, await lost]).toEqual([true, false]);
  });

  it('after a failed write refuses its hand-overs and writes its outcomes ahead of any later hand-over', async () => {
    const store = heldStore();
    const journal = new LedgerJournal(store, new FixedClock(new Date(0)));
    const s = journal.settle(settled('1'));
    const h = journal.handOver('w', '2');
    await turn();
    const later = journal.handOver('w', '3');
    store.pending.shift()!.reject(new Error('connection lost'));
    await expect(h).rejects.toThrow('connection lost');
    await expect(s).rejects.toThrow('connection lost');
    await turn();
    expect(store.writes[1]).toEqual({ handOvers: ['3'], outcomes: ['1'] });
    store.pending.shift()!.resolve();
    expect(await later).toBe(true);
  });
});

describe('ProviderSlots: messages with a provider at once, per channel, across batches', () => {
  it('never lets more than the capacity through, and serves waiters in order', async () => {
    const slots = new ProviderSlots((channel) => (channel === 'email' ? 2 : 1));
    const r1 = await slots.acquire('email');
    const r2 = await slots.acquire('email');
    const order: number[] = [];
    const third = slots.acquire('email').then((release) => (order.push(3), release));
    const fourth = slots.acquire('email').then((release) => (order.push(4), release));
    const sms = await slots.acquire('sms'); // other channels have their own slots
    await turn();
    expect(order).toEqual([]);
    r1();
    r1(); // releasing twice frees one slot, not two
    await turn();
    expect(order).toEqual([3]);
    r2();
    await turn();
    expect(order).toEqual([3, 4]);
    (await third)();
    (await fourth)();
    sms();
    const again = await Promise.all([slots.acquire('email'), slots.acquire('email')]);
    expect(again).toHaveLength(2);
  });
});
