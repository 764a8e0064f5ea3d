/**
 * Faults on one member's PgBouncer in the seeds topology
 * (pgbouncer:<member target>): 002's "One PgBouncer instance per Patroni
 * node", to which "HAProxy routes to primary node's PgBouncer (port 6432)".
 * The proof is what HAProxy meets on that port: a killed PgBouncer's
 * refuses, a stopped one's accepts and answers nothing while its process is
 * still there. Each fault's sign is the other's counter-proof: a port that
 * accepts and stays silent is a frozen (or unreachable) listener, not a dead
 * one, and a refusing port has no listener left to be frozen. Otherwise the
 * fault fails, and is undone. Heal is done when PgBouncer answers again.
 */
import { HarnessError } from '../errors.js';
import { hasPoolers, type LinkProbe, type Poolers, type StartedCluster } from '../cluster/types.js';
import { pollUntil } from '../cluster/wait/poll.js';
import { now } from '../history/clock.js';
import { POOLER_PREFIX, poolerMember } from '../scenario/catalog.js';
import type { Injected } from './types.js';
import { SILENT_FOR_MS } from './vip.js';

/** How long a PgBouncer gets to stop answering after its signal, and to answer again after its cure. */
export const POOLER_TIMEOUT_MS = 10_000;
const ASK_MS = 500;

/** pgbouncer:<member target> resolved: the member target as any member fault resolves it, each name prefixed again. */
export async function resolvePooler(cluster: StartedCluster, memberTarget: string, resolveMember: (target: string) => Promise<string[]>): Promise<string[]> {
  if (!hasPoolers(cluster)) throw new HarnessError('FAULT_FAILED', `target "${POOLER_PREFIX}${memberTarget}" needs the seeds topology's PgBouncer on every member; this ${cluster.provider} cluster has none`);
  return (await resolveMember(memberTarget)).map((m) => `${POOLER_PREFIX}${m}`);
}

/** The members whose PgBouncer the names are, when every name is one; undefined when none is (a member, etcd or HAProxy fault). */
export function poolersFor(cluster: StartedCluster, names: readonly string[]): { cluster: StartedCluster & Poolers; members: string[] } | undefined {
  const members = names.map(poolerMember);
  if (members.every((m) => m === undefined)) return undefined;
  const other = names.find((n) => poolerMember(n) === undefined);
  if (other !== undefined) throw new HarnessError('FAULT_FAILED', `${other} is not a member's PgBouncer: one fault acts on PgBouncers or on hosts, not both`);
  if (!hasPoolers(cluster)) throw new HarnessError('FAULT_FAILED', `this ${cluster.provider} cluster runs no PgBouncer (the seeds topology does)`);
  return { cluster, members: members as string[] };
}

function met(p: LinkProbe): string {
  switch (p.kind) {
    case 'answered': return `answers (${Math.round(p.ms)} ms)`;
    case 'silent': return `accepts and answers nothing within ${Math.round(p.ms)} ms`;
    default: return `refuses (${p.why})`;
  }
}

type How = 'kill' | 'freeze';

/**
 * SIGKILL or SIGSTOP of each member's PgBouncer, once it was seen running
 * and answering (a port already dead before the fault would prove nothing).
 */
export async function injectOnPoolers(cluster: StartedCluster & Poolers, members: readonly string[], how: How): Promise<Injected> {
  const [sig, cure, verb] = how === 'kill' ? ['SIGKILL', undefined, 'killed'] as const : ['SIGSTOP', 'SIGCONT', 'stopped'] as const;
  const before = new Map<string, number>();
  for (const m of members) {
    const pid = await cluster.poolerPid(m);
    if (pid === undefined) throw new HarnessError('FAULT_FAILED', `${m}: no PgBouncer runs there, so nothing was ${verb}`);
    const probe = await cluster.probePooler(m, 2_000);
    if (probe.kind !== 'answered') throw new HarnessError('FAULT_FAILED', `${m}: PgBouncer pid ${pid} ${met(probe)} before the fault: its silence afterwards would prove nothing, so nothing was ${verb}`);
    before.set(m, pid);
  }
  const heal = async () => {
    const done: string[] = [];
    for (const m of members) {
      if (cure !== undefined) {
        if (!(await cluster.signalPooler(m, cure))) throw new HarnessError('FAULT_FAILED', `${m}: no PgBouncer left to ${cure}`);
      } else if ((await cluster.poolerPid(m)) === undefined) {
        await cluster.startPooler(m);
      }
      // A cure is done when PgBouncer serves again, as the fault was when it stopped.
      let last: LinkProbe | undefined;
      await pollUntil(async () => ((last = await cluster.probePooler(m, ASK_MS)).kind === 'answered' ? true : met(last)), { timeoutMs: POOLER_TIMEOUT_MS, intervalMs: 100, what: `${m}'s PgBouncer to answer` })
        .catch(() => { throw new HarnessError('FAULT_FAILED', `${m}: PgBouncer ${cure === undefined ? 'started again' : 'sent SIGCONT'} but ${(POOLER_TIMEOUT_MS / 1000).toFixed(0)} s later it ${last === undefined ? 'was not probed' : met(last)}`); });
      done.push(`${m}: PgBouncer ${cure === undefined ? `pid ${(await cluster.poolerPid(m)) ?? '?'} started` : 'continued (SIGCONT)'} and answering`);
    }
    return done.join('; ');
  };
  const startedAt = now();
  try {
    for (const m of members) {
      if (!(await cluster.signalPooler(m, sig))) throw new HarnessError('FAULT_FAILED', `${m}: PgBouncer pid ${before.get(m) as number} was gone before its ${sig}`);
    }
    const inForceAt = now();
    const effects: string[] = [];
    for (const m of members) effects.push(how === 'kill' ? await killedEffect(cluster, m, before.get(m) as number) : await frozenEffect(cluster, m, before.get(m) as number));
    return {
      detail: members.map((m) => `${m}: PgBouncer pid ${before.get(m) as number} ${verb} (${sig}); Patroni and PostgreSQL left running`).join('; '),
      effect: effects.join('; '), startedAt, inForceAt, heal,
    };
  } catch (err) {
    await heal().catch(() => undefined); // not injected, so never healed by the runner
    throw err;
  }
}

/** A killed PgBouncer: its process gone and its port refusing, both seen at once. */
export async function killedEffect(cluster: Poolers, m: string, pid: number, timeoutMs = POOLER_TIMEOUT_MS): Promise<string> {
  const t0 = Date.now();
  let last = 'not probed yet';
  let seen: LinkProbe | undefined;
  await pollUntil(async () => {
    const [running, probe] = await Promise.all([cluster.poolerPid(m), cluster.probePooler(m, ASK_MS)]);
    if (running === pid) return (last = `pid ${pid} still running; its port ${met(probe)}`);
    if (probe.kind === 'answered') return (last = `pid ${pid} gone, but its port answers${running === undefined ? '' : ` (PgBouncer pid ${running} took its place)`}`);
    // A probe that timed out is no refusal: no answer from a dead listener's port is a connection refused.
    if (probe.kind === 'silent') return (last = `pid ${pid} not seen, but its port ${met(probe)}: not refused`);
    seen = probe;
    return true;
  }, { timeoutMs, intervalMs: 100, what: `${m}'s PgBouncer to go` })
    .catch(() => { throw new HarnessError('FAULT_FAILED', `${m}: PgBouncer was sent SIGKILL, but ${(timeoutMs / 1000).toFixed(0)} s later ${last}`); });
  return `${m}: PgBouncer pid ${pid} gone and its port ${met(seen as LinkProbe)}, ${((Date.now() - t0) / 1000).toFixed(1)} s after SIGKILL`;
}

/**
 * A stopped PgBouncer: its port accepting and silent for SILENT_FOR_MS on end
 * (one slow answer is no proof), its process still there. A refusal breaks
 * the silence: nothing listens there, so nothing was frozen.
 */
export async function frozenEffect(cluster: Poolers, m: string, pid: number, timeoutMs = POOLER_TIMEOUT_MS): Promise<string> {
  let silentSince: number | undefined;
  let last: LinkProbe | undefined;
  const notStopped = async () => {
    // A process that died, rather than froze, would be a kill passed off as a stop.
    const after = await cluster.poolerPid(m);
    return after === pid ? undefined : new HarnessError('FAULT_FAILED', `${m}: PgBouncer pid ${pid} is ${after === undefined ? 'gone' : `replaced by pid ${after}`} after SIGSTOP: not stopped`);
  };
  await pollUntil(async () => {
    last = await cluster.probePooler(m, ASK_MS);
    if (last.kind !== 'silent') {
      silentSince = undefined;
      return `its port ${met(last)}`;
    }
    silentSince ??= Date.now();
    return Date.now() - silentSince >= SILENT_FOR_MS ? true : `silent for ${Date.now() - silentSince} ms`;
  }, { timeoutMs, intervalMs: 100, what: `${m}'s PgBouncer to stop answering` })
    .catch(async () => {
      throw (await notStopped()) ?? new HarnessError('FAULT_FAILED', `${m}: PgBouncer was sent SIGSTOP, but did not stay silent for ${SILENT_FOR_MS / 1000} s within ${(timeoutMs / 1000).toFixed(0)} s: its port ${last === undefined ? 'was not probed' : met(last)}`);
    });
  const died = await notStopped();
  if (died !== undefined) throw died;
  return `${m}: PgBouncer pid ${pid} stopped, its port ${met(last as LinkProbe)} for ${SILENT_FOR_MS / 1000} s on end`;
}
