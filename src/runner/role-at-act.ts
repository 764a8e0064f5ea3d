/**
 * Whether a role-targeted fault acted on a member that still had the role.
 * The target is resolved to names once, and the fault may spend seconds on
 * its pre-checks before it acts (reading PIDs, probing links): a failover
 * or switchover in progress can move the role meanwhile, and the history
 * would record `kill primary` for a kill that reached a replica, which the
 * RTO and leader-change lines then judge as the primary's (a false pass).
 * So the role is read again, from the same /cluster reading the resolution
 * used, when the fault first acts on the cluster and right after that act;
 * the reads run alongside the fault, never delaying it or its timing.
 */
import { isPrimaryRole, isReplicaRole, isSyncRole } from '../cluster/patroni-api.js';
import type { StartedCluster } from '../cluster/types.js';
import { errorMessage } from '../errors.js';
import type { MemberRoles } from '../faults/index.js';

type RoleView = Awaited<ReturnType<MemberRoles>>;

/**
 * The members holding a role target in one reading, or undefined for a
 * target that names no role a member can lose while the fault runs: a
 * member's name, `any`, `cluster`, and the etcd roles (not read here).
 * `replica` is any standby, sync or not: resolution prefers a plain one,
 * but a replica that became the sync standby is still not the primary.
 */
export function roleHolders(view: RoleView, target: string): string[] | undefined {
  const pred = { primary: isPrimaryRole, replica: isReplicaRole, 'sync-standby': isSyncRole }[target];
  return pred === undefined ? undefined : view.filter((m) => pred(m.role)).map((m) => m.name);
}

/**
 * The methods by which a fault changes the cluster (ProcessControl,
 * HostControl, LinkCut, HostPartition, CpuLimit, LinkImpairment, LinkLoss).
 * Reads (pid, probeLink, execIn's probes) are not acts, and cures only run
 * in a fault that gives up after it acted.
 */
const ACTS: ReadonlySet<PropertyKey> = new Set(['signal', 'restart', 'killHost', 'freezeHost', 'cutLinks', 'grudge', 'impairLinks', 'limitCpu', 'loseLinks']);

type Reading = { holders: string[] } | { unread: string };

/** What the readings around the act show; `held: 'unknown'` when none could be read (recorded, not failed). */
export type RoleAtAct =
  | { held: true; observed: string }
  | { held: false; observed: string; reason: string }
  | { held: 'unknown'; observed: string };

export interface RoleWatch {
  /** The cluster to hand the fault: the same one, its acts timed. */
  cluster: StartedCluster;
  /** Call once `inject` returned: the verdict from the readings at and after the act. */
  verdict(): Promise<RoleAtAct>;
}

/**
 * Watches a fault's first act for a role target; undefined when the target
 * is no role (nothing to prove). A fault that acts through no method of the
 * cluster (a switchover's POST to Patroni) is read when `inject` is called
 * and when it returns instead.
 */
export function watchRole(cluster: StartedCluster, target: string, resolved: readonly string[], roles: MemberRoles): RoleWatch | undefined {
  if (roleHolders([], target) === undefined) return undefined;
  const read = (): Promise<Reading> => roles(cluster).then(
    (view) => ({ holders: roleHolders(view, target) ?? [] }),
    (err: unknown) => ({ unread: errorMessage(err) }),
  );
  const atCall = read();
  let act: { at: Promise<Reading>; after?: Promise<Reading> } | undefined;
  let returned = false;
  const timed = new Proxy(cluster, {
    get(obj, prop) {
      // The target as receiver: providers keep private fields, which a proxy cannot reach.
      const value: unknown = Reflect.get(obj, prop);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!ACTS.has(prop)) return fn.bind(obj);
      return (...args: unknown[]) => {
        const first = act === undefined && !returned;
        if (first) act = { at: read() };
        const result = fn.apply(obj, args);
        if (first && act !== undefined) {
          const mark = act;
          const after = () => { mark.after = read(); };
          if (result instanceof Promise) result.then(after, after);
          else after();
        }
        return result;
      };
    },
  });
  return {
    cluster: timed,
    async verdict() {
      returned = true;
      const at = act === undefined ? { label: 'when the fault was called', reading: atCall } : { label: 'when the fault acted', reading: act.at };
      const afterLabel = act === undefined ? 'when it returned' : 'right after the act';
      const [first, after] = await Promise.all([at.reading, act?.after ?? read()]);
      return judge(target, resolved, [[at.label, first], [afterLabel, after]]);
    },
  };
}

const names = (holders: readonly string[]) => (holders.length === 0 ? 'no member' : holders.join(', '));

/**
 * Held when a reading at or after the act shows a named member in the
 * role: at the act it is the proof; after it, a role cannot have come to a
 * member within milliseconds of an act it lacked the role for. The act may
 * remove the role (a shutdown gives up the leader key, a switchover moves
 * it), so a reading after it that shows another holder is no failure when
 * the one at the act showed the named member, and no evidence either way
 * when the one at the act could not be read. Not held when the reading at
 * the act shows the role elsewhere and none after it shows the member.
 */
export function judge(target: string, resolved: readonly string[], readings: readonly [readonly [string, Reading], ...ReadonlyArray<readonly [string, Reading]>]): RoleAtAct {
  const observed = readings.map(([label, r]) => `${label}: ${'unread' in r ? `unread (${r.unread})` : names(r.holders)}`).join('; ');
  const answered = readings.flatMap(([, r]) => ('unread' in r ? [] : [r.holders]));
  if (answered.some((h) => resolved.some((n) => h.includes(n)))) return { held: true, observed: `${target} ${observed}` };
  const atAct = readings[0][1];
  if ('unread' in atAct) return { held: 'unknown', observed: `${target} could not be read at the act (${observed})` };
  return {
    held: false,
    observed: `${target} ${observed}`,
    reason: `target ${target} was ${names(resolved)} when resolved and ${names(atAct.holders)} when the fault acted; the fault acted on a member without the role`,
  };
}
