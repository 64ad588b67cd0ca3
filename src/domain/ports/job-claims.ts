/**
 * Claims of scheduled-job firings, shared by every replica: of the replicas that try to claim the
 * same (job, fire time), exactly one succeeds and runs that firing.
 */
export interface JobClaims {
  /** True when this caller won the firing `fireAt` of `name` (nobody had claimed it); `claimedAt` is the injected clock's time. */
  claim(name: string, fireAt: Date, owner: string, claimedAt: Date): Promise<boolean>;
  /** Forgets claims of firings before `before`; answers how many. */
  prune(before: Date): Promise<number>;
}
