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
import type { CommandExec, CpuLimit, HostControl, HostPartition, LinkCut, LinkImpairment, LinkLoss, ProcessControl, StartedCluster } from '../cluster/types.js';
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

type Capabilities = ProcessControl & HostControl & CommandExec & CpuLimit & LinkCut & HostPartition & LinkImpairment & LinkLoss;
type Method<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/**
 * Every method a fault may call on the cluster, as an act (it changes the
 * cluster) or a read (pid, links, probeLink). Typed over the capabilities,
 * so that a method added to one does not compile until it is classed here:
 * an act missed would leave the fault's pre-checks unwatched. A command
 * (execIn) counts as an act: no fault reads through one today, and a
 * reading taken at a command that only looked is early, never wrong.
 */
const CALLS: Record<Method<Capabilities>, 'act' | 'read'> = {
  signal: 'act', restart: 'act', pid: 'read',
  killHost: 'act', freezeHost: 'act', thawHost: 'act', startHost: 'act',
  execIn: 'act', limitCpu: 'act', cutLinks: 'act', grudge: 'act',
  links: 'read', probeLink: 'read', impairLinks: 'act', loseLinks: 'act',
};
const ACTS: ReadonlySet<PropertyKey> = new Set(Object.entries(CALLS).flatMap(([m, kind]) => (kind === 'act' ? [m] : [])));

/** One reading of the role; `late` when it ended only after the act had returned, so it may show the act's own effect. */
export type Reading = { holders: string[]; late?: true } | { unread: string };
type Labelled = readonly [string, Reading];

/** What the readings around the act show; `held: 'unknown'` when they prove neither (recorded, not failed). */
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
 * and when it returns instead; the reading at the return is then recorded
 * only, since that act moves roles itself.
 */
export function watchRole(cluster: StartedCluster, target: string, resolved: readonly string[], roles: MemberRoles): RoleWatch | undefined {
  if (roleHolders([], target) === undefined) return undefined;
  // Set when the first act settled, or when the fault returned without one.
  let acted = false;
  const read = (): Promise<Reading> => roles(cluster).then(
    (view) => ({ holders: roleHolders(view, target) ?? [], ...(acted ? { late: true as const } : {}) }),
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
          const after = () => { acted = true; mark.after = read(); };
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
      acted = true;
      if (act === undefined) {
        const [called, back] = await Promise.all([atCall, read()]);
        return judge(target, resolved, [['when the fault was called', called], ['when it returned', back]], { afterProves: false });
      }
      const [at, after] = await Promise.all([act.at, act.after ?? read()]);
      return judge(target, resolved, [['when the fault acted', at], ['right after the act', after]], { afterProves: true });
    },
  };
}

const names = (holders: readonly string[]) => (holders.length === 0 ? 'no member' : holders.join(', '));

/**
 * Held when the reading at the act shows a named member in the role. The
 * act may remove the role (a shutdown gives up the leader key, a switchover
 * moves it), so a reading after it that shows another holder is no failure.
 * Right after an act on the cluster, a reading that shows the member proves
 * it too when the one at the act could not be made: a role does not come to
 * a member within moments of an act it lacked the role for. It proves
 * nothing after a fault that acted through Patroni (`afterProves` false): a
 * switchover or failover gives the role to a member itself. Not held when
 * the reading at the act shows the role elsewhere; unknown when nothing
 * at the act could be read, when the reading right after contradicts it, or
 * when it ended only after the act had returned (it may show the act's own
 * effect: a graceful stop hands the leader key over in under a second).
 */
export function judge(target: string, resolved: readonly string[], [at, after]: readonly [Labelled, Labelled], o: { afterProves: boolean }): RoleAtAct {
  const shown = [at, after].map(([label, r]) => `${label}: ${'unread' in r ? `unread (${r.unread})` : names(r.holders)}`).join('; ');
  const holds = ([, r]: Labelled) => ('unread' in r ? undefined : resolved.some((n) => r.holders.includes(n)));
  const afterHolds = o.afterProves && holds(after) === true;
  const atAct = at[1];
  if (holds(at) === true || ('unread' in atAct && afterHolds)) return { held: true, observed: `${target} ${shown}` };
  if ('unread' in atAct) return { held: 'unknown', observed: `${target} could not be read at the act (${shown})` };
  if (afterHolds) return { held: 'unknown', observed: `${target} readings disagree, elsewhere at the act and on ${names(resolved)} right after (${shown})` };
  if (atAct.late === true) return { held: 'unknown', observed: `${target} elsewhere only in a reading that ended after the act, which may show its own effect (${shown})` };
  return {
    held: false,
    observed: `${target} ${shown}`,
    reason: `target ${target} was ${names(resolved)} when resolved and ${names(atAct.holders)} when the fault acted; the fault acted on a member without the role`,
  };
}

const ROLE_NAMES: Readonly<Record<string, string>> = { primary: 'the primary', replica: 'a replica', 'sync-standby': 'the sync standby' };

/**
 * The run's unknown for a reading that proved neither way, naming the step
 * (`where`), the member and the role: a fault recorded as `kill primary`
 * that may have reached another member proves nothing about the primary's
 * loss, so the run it is in cannot pass on it.
 */
export function unknownRole(where: string, target: string, resolved: readonly string[], observed: string): string {
  const who = resolved.length === 0 ? 'the member it acted on' : resolved.join(' or ');
  return `${where}: whether ${who} was ${ROLE_NAMES[target] ?? target} when the fault acted is unknown: ${observed}`;
}
