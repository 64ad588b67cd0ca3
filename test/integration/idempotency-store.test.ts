import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaIdempotencyStore } from '../../src/adapters/db/idempotency-store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/test-database.js';

describe.each(ENGINES)('idempotency keys on %s', (engine) => {
  let db: TestDatabase;
  let store: PrismaIdempotencyStore;
  const at = (seconds: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, seconds));

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = new PrismaIdempotencyStore(db.prisma);
  });
  afterAll(() => db.drop());

  it('claim: one winner among concurrent callers, for good', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => store.claim('k-once', at(0))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.claim('k-once', at(3600))).toBe(false);
  });

  it('claimWithin: a repeat within the window (or the same click again, later) is refused; a press after it is claimed', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => store.claimWithin('k-open', at(0), 3000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.claimWithin('k-open', at(2), 3000)).toBe(false);
    // The same click (same action_ts) delivered again much later is still the same click.
    expect(await store.claimWithin('k-open', at(0), 3000)).toBe(false);
    expect(await store.claimWithin('k-open', at(4), 3000)).toBe(true);
    expect(await store.claimWithin('k-open', at(6), 3000)).toBe(false);
    await store.remember('k-open', { text: 'opened' });
    expect(await store.claimWithin('k-open', at(60), 3000)).toBe(true);
    expect(await store.recall('k-open')).toBeNull();
  });
});
