/**
 * Who may run what: every command needs one of these roles (the handler table in execute.ts says
 * which). Edges resolve a person's role their own way (Slack: configured users and user groups).
 */
export const ROLES = ['viewer', 'marketer', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** `none`: a user in no configured role when the default role is `none`. */
export type RoleOrNone = Role | 'none';

const RANK: Record<RoleOrNone, number> = { none: 0, viewer: 1, marketer: 2, approver: 3, admin: 4 };

export function hasRole(role: RoleOrNone, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
