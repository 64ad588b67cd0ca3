/**
 * The Slack context's idempotency store in memory, for listener unit tests: a key is claimed once
 * until released; nothing is remembered for recall (a retry is answered by the claim alone).
 */
export function memoryIdempotency() {
  const claimed = new Set<string>();
  return {
    claim: async (key: string) => !claimed.has(key) && Boolean(claimed.add(key)),
    claimWithin: async (key: string) => !claimed.has(key) && Boolean(claimed.add(key)),
    remember: async () => {},
    recall: async () => null,
    release: async (key: string) => void claimed.delete(key),
  };
}
