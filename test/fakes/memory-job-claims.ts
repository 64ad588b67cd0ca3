import type { JobClaims } from '../../src/domain/ports/job-claims.js';

/** Claims kept in memory, shared by the registries of one test as replicas share `job_lock`. */
export class MemoryJobClaims implements JobClaims {
  readonly rows = new Map<string, string>();
  async claim(name: string, fireAt: Date, owner: string): Promise<boolean> {
    const key = `${name}@${fireAt.toISOString()}`;
    if (this.rows.has(key)) return false;
    this.rows.set(key, owner);
    return true;
  }
  async prune(before: Date): Promise<number> {
    let n = 0;
    for (const key of [...this.rows.keys()]) {
      if (new Date(key.slice(key.indexOf('@') + 1)).getTime() < before.getTime()) {
        this.rows.delete(key);
        n += 1;
      }
    }
    return n;
  }
}
