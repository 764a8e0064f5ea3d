import type { ProbeEvent } from '../history/events.js';

export type MemberRole = 'primary' | 'replica' | 'other' | 'unreachable';

/**
 * The role a probe shows. PostgreSQL's own view decides first: Patroni's
 * REST role turns "primary" before promotion completes, and what matters to
 * a person is whether the node takes writes. A probe where no view could be
 * read is "unreachable", not a role.
 */
export function probeRole(p: ProbeEvent): MemberRole {
  if (p.writable === true || p.inRecovery === false) return 'primary';
  if (p.inRecovery === true) return 'replica';
  if (p.patroniRole !== undefined) return p.patroniRole;
  return 'unreachable';
}

/**
 * Identity of a member's observed state, for change detection. The raw
 * views are kept apart (not only the derived role) so that Patroni turning
 * primary before PostgreSQL leaves recovery shows as its own step.
 */
export function probeStateKey(p: ProbeEvent): string {
  const v = (x: unknown): string => (x === undefined ? '?' : String(x));
  return `${v(p.patroniRole)}|${v(p.inRecovery)}|${v(p.writable)}`;
}
