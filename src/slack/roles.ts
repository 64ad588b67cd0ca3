import { hasRole, ROLES, type Role, type RoleOrNone } from '../commands/command-roles.js';
import type { Clock } from '../domain/ports/clock.js';

export { hasRole, ROLES, type Role, type RoleOrNone } from '../commands/command-roles.js';
/** The role a command needs: read from the command layer's handler table. */
export { roleFor } from '../commands/execute.js';

export function refusalText(needed: Role, role: RoleOrNone, what: string): string {
  const yours = role === 'none' ? 'no Herald role' : `the ${role} role`;
  return `:no_entry: ${what} needs the *${needed}* role; you have ${yours}. Ask a Herald admin to add you (or your user group) to ${needed === 'admin' ? 'SLACK_ADMINS' : `SLACK_${needed.toUpperCase()}S`}.`;
}

export interface RoleConfig {
  roles: Record<Role, string[]>;
  defaultRole: RoleOrNone;
}

/** Reads one user group's members (Slack's usergroups.users.list). */
export type GroupMembers = (groupId: string) => Promise<string[]>;

export interface RoleLogger {
  warn(message: string, context: Record<string, unknown>): void;
}

/**
 * Resolves a Slack user's role from configured user ids and user-group ids; the highest match
 * wins. Group membership is cached for `ttlMs` (clock-driven) so a click does not wait on Slack,
 * and a failed lookup counts as "not a member" rather than granting anything.
 */
export function createRoleResolver(options: { config: RoleConfig; members: GroupMembers; clock: Clock; ttlMs?: number; logger?: RoleLogger }) {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const cache = new Map<string, { at: number; members: Promise<Set<string>> }>();

  function membersOf(groupId: string): Promise<Set<string>> {
    const now = options.clock.now().getTime();
    const hit = cache.get(groupId);
    if (hit && now - hit.at < ttlMs) return hit.members;
    const members = options.members(groupId).then(
      (ids) => new Set(ids),
      (error: unknown) => {
        options.logger?.warn('user group lookup failed', { groupId, error: error instanceof Error ? error.message : String(error) });
        cache.delete(groupId);
        return new Set<string>();
      },
    );
    cache.set(groupId, { at: now, members });
    return members;
  }

  return async function roleOf(userId: string): Promise<RoleOrNone> {
    for (const role of [...ROLES].reverse()) {
      const ids = options.config.roles[role];
      if (ids.includes(userId)) return role;
      for (const id of ids.filter((i) => i.startsWith('S'))) {
        if ((await membersOf(id)).has(userId)) return role;
      }
    }
    return options.config.defaultRole;
  };
}
export type RoleResolver = ReturnType<typeof createRoleResolver>;
