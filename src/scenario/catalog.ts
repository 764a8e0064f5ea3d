/** What a provider and the fault registry can do, for checking scenarios before any cluster starts. */

/**
 * `haproxy`: one of the two HAProxies of the `seeds` topology, by its part in the VIP pair;
 * `pgbouncer`: the PgBouncer of one member of the `seeds` topology, by the member's role or name;
 * `keepalived`: the keepalived beside one of those HAProxies, by the HAProxy's part in the pair.
 */
export type FaultTargetKind = 'member' | 'etcd' | 'haproxy' | 'pgbouncer' | 'keepalived' | 'cluster';

export interface FaultActionInfo {
  /** Several kinds when the action applies to more than one (kill: a member or an etcd member). */
  targets: FaultTargetKind | readonly FaultTargetKind[];
  /** A message saying what was expected when the parameters are wrong, else undefined. */
  params?: (params: Record<string, unknown>) => string | undefined;
  /** False when the action exists but this provider cannot express it. */
  supported: boolean;
  /** Why not, when not supported. */
  unsupported?: string;
  /** Actions this one cannot share a scenario with on this provider, and why (the provider's own reason). */
  excludes?: readonly { actions: readonly string[]; why: string }[];
}

export interface FaultCatalog {
  provider: string;
  actions: ReadonlyMap<string, FaultActionInfo>;
  members: readonly string[];
  etcdMembers: readonly string[];
  /** What `cluster.release` may name; absent when the provider takes no release. */
  releases?: readonly string[];
  /** What `cluster.topology` may name; absent: `minimal` only. */
  topologies?: readonly string[];
  /** Why a topology it makes cannot be made for this scenario (its release, its fault actions); undefined when it can. */
  topologyRefusal?: (topology: string, release: string | undefined, actions: readonly string[]) => string | undefined;
  /**
   * The component versions a scenario would run on, for `requires:`, and
   * where they come from; absent when they are only known once the cluster
   * is attached (external: checked then).
   */
  versions?: (release: string | undefined) => { versions: Partial<Record<string, string | null>>; source: string };
  /** Whether `exec` steps can run (commands inside containers), and why not; absent: they cannot. */
  exec?: { supported: boolean; unsupported?: string };
  /**
   * Whether the run's report gets the components' logs, which `evidence:`
   * reads; absent: none. `unreadable` names, by component (patroni,
   * postgres, etcd, haproxy), those it cannot read, and why.
   */
  logs?: { unreadable?: Readonly<Record<string, string>> };
}

/** Roles resolved when the step runs (architecture.md, "Scenario files"). */
export const MEMBER_ROLES = ['primary', 'replica', 'sync-standby', 'any'] as const;
export const ETCD_ROLES = ['etcd-leader', 'etcd-follower', 'etcd-majority', 'etcd-all'] as const;
/** The `seeds` topology's HAProxies by their part in the VIP pair: the VIP's holder when the step runs, and the other. */
export const HAPROXY_ROLES = ['haproxy-active', 'haproxy-passive'] as const;
/** `pgbouncer:<member target>` (pgbouncer:primary, pgbouncer:patroni2): that member's PgBouncer, the member resolved when the step runs. */
export const POOLER_PREFIX = 'pgbouncer:';

/** The member target inside a pgbouncer:<member target>; undefined for any other target. */
export function poolerMember(target: string): string | undefined {
  return target.startsWith(POOLER_PREFIX) ? target.slice(POOLER_PREFIX.length) : undefined;
}
/**
 * `keepalived:<haproxy target>` (keepalived:haproxy-active): keepalived alone in that HAProxy's
 * host, the HAProxy resolved when the step runs, as `pgbouncer:` names one component of a member's.
 */
export const KEEPALIVED_PREFIX = 'keepalived:';

/** The HAProxy target inside a keepalived:<haproxy target>; undefined for any other target. */
export function keepalivedHost(target: string): string | undefined {
  return target.startsWith(KEEPALIVED_PREFIX) ? target.slice(KEEPALIVED_PREFIX.length) : undefined;
}
/** The target a cluster-wide action takes, and what an omitted target means. */
export const CLUSTER_TARGET = 'cluster';

export function targetKinds(action: FaultActionInfo): readonly FaultTargetKind[] {
  return typeof action.targets === 'string' ? [action.targets] : action.targets;
}

export function validTargets(kinds: readonly FaultTargetKind[], catalog: FaultCatalog): string[] {
  return kinds.flatMap((kind) => {
    if (kind === 'member') return [...MEMBER_ROLES, ...catalog.members];
    if (kind === 'etcd') return [...ETCD_ROLES, ...catalog.etcdMembers];
    if (kind === 'haproxy') return [...HAPROXY_ROLES];
    if (kind === 'pgbouncer') return [...MEMBER_ROLES, ...catalog.members].map((t) => `${POOLER_PREFIX}${t}`);
    if (kind === 'keepalived') return HAPROXY_ROLES.map((t) => `${KEEPALIVED_PREFIX}${t}`);
    return [CLUSTER_TARGET];
  });
}
