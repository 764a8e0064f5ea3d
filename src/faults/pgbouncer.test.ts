import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { LinkProbe, Poolers } from '../cluster/types.js';
import { kill } from './kill.js';
import { resolveTarget } from './resolve-target.js';
import { stop } from './stop.js';

/** `meets`: what its port meets instead of what its state implies (a frozen host's silence, a closed listener's refusal). */
type Pooler = { pid: number | undefined; state: 'running' | 'stopped'; answers: boolean; meets?: 'silent' | 'refused' };

/**
 * A seeds cluster's PgBouncers as the faults see them: a PID, and what an
 * SSLRequest to its port meets. By default signals act as on a real one
 * (SIGKILL: gone and refused; SIGSTOP: there and silent); `o` makes them
 * miss, to show the faults that did nothing.
 */
function seedsCluster(o: { deafTo?: NodeJS.Signals[]; diesOnStop?: boolean; startsDead?: boolean; portAfter?: Partial<Record<NodeJS.Signals, 'silent' | 'refused'>> } = {}) {
  const poolers = new Map<string, Pooler>(['m1', 'm2', 'm3'].map((m, i) => [m, { pid: 3000 + i, state: 'running', answers: true }]));
  const calls: string[] = [];
  const of = (m: string) => poolers.get(m) as Pooler;
  let nextPid = 3100;
  const api: Poolers = {
    poolerPid: async (m) => of(m).pid,
    signalPooler: async (m, sig) => {
      calls.push(`${sig} ${m}`);
      const p = of(m);
      if (p.pid === undefined) return false;
      if (o.deafTo?.includes(sig)) return true;
      if (sig === 'SIGKILL' || (sig === 'SIGSTOP' && o.diesOnStop === true)) Object.assign(p, { pid: undefined, answers: false });
      if (sig === 'SIGSTOP' && o.diesOnStop !== true) Object.assign(p, { state: 'stopped', answers: false });
      if (sig === 'SIGCONT') Object.assign(p, { state: 'running', answers: true });
      p.meets = o.portAfter?.[sig];
      return true;
    },
    startPooler: async (m) => {
      calls.push(`start ${m}`);
      if (o.startsDead !== true) Object.assign(of(m), { pid: nextPid++, state: 'running', answers: true });
    },
    probePooler: async (m, timeoutMs): Promise<LinkProbe> => {
      const p = of(m);
      if (p.answers) return { kind: 'answered', ms: 1, sent: 8 };
      if (p.meets !== undefined) return p.meets === 'silent' ? { kind: 'silent', ms: timeoutMs, sent: 8 } : { kind: 'unprobed', why: 'connect ECONNREFUSED 172.29.7.12:6432', sent: 8 };
      return p.pid === undefined ? { kind: 'unprobed', why: 'connect ECONNREFUSED 172.29.7.12:6432', sent: 8 } : { kind: 'silent', ms: timeoutMs, sent: 8 };
    },
  };
  return { cluster: Object.assign(new FakeCluster('synchronous', { failoverAfterMs: null }), api), poolers, calls };
}

/** Runs `p` to its end while fake time passes (the proofs poll for up to 10 s). */
async function withTime<T>(p: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  vi.useFakeTimers();
  try {
    const settled = Promise.allSettled([p()]);
    await vi.advanceTimersByTimeAsync(25_000);
    return (await settled)[0] as PromiseSettledResult<T>;
  } finally {
    vi.useRealTimers();
  }
}

const reason = (r: PromiseSettledResult<unknown>) => (r as PromiseRejectedResult).reason as { code: string; message: string };

describe('pgbouncer:<member target>', () => {
  let server: Server | undefined;
  afterEach(() => { server?.close(); server = undefined; });

  /** Patroni's /cluster for role targets: m2 the leader, m3 the sync standby, m1 a replica. */
  async function withRoles<C extends FakeCluster>(c: C): Promise<C> {
    const view = { members: [
      { name: 'm1', role: 'replica', state: 'streaming' }, { name: 'm2', role: 'leader', state: 'running' }, { name: 'm3', role: 'sync_standby', state: 'streaming' },
    ] };
    server = createServer((_req, res) => res.end(JSON.stringify(view)));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    Object.defineProperty(c, 'members', { value: c.members.map((m) => ({ ...m, restUrl: `http://127.0.0.1:${port}` })) });
    return c;
  }

  it('resolves, when the step runs, to the PgBouncer of the member the role or name names', async () => {
    const c = await withRoles(seedsCluster().cluster);
    expect(await resolveTarget(c, 'pgbouncer:primary')).toEqual(['pgbouncer:m2']);
    expect(await resolveTarget(c, 'pgbouncer:replica')).toEqual(['pgbouncer:m1']);
    expect(await resolveTarget(c, 'pgbouncer:sync-standby')).toEqual(['pgbouncer:m3']);
    expect(await resolveTarget(c, 'pgbouncer:m3')).toEqual(['pgbouncer:m3']);
  });

  it('matches nothing on a cluster without PgBouncer, or for a name that is no member', async () => {
    await expect(resolveTarget(new FakeCluster('synchronous', { failoverAfterMs: null }), 'pgbouncer:m1')).rejects.toMatchObject({
      code: 'FAULT_FAILED', message: 'target "pgbouncer:m1" needs the seeds topology\'s PgBouncer on every member; this fake cluster has none',
    });
    await expect(resolveTarget(seedsCluster().cluster, 'pgbouncer:etcd1')).rejects.toThrow('target "pgbouncer:etcd1" matches no member right now');
  });
});

describe('kill of a PgBouncer', () => {
  it('is proven by its process gone and its port refusing; Patroni and PostgreSQL are not touched; heal starts it and sees it answer', async () => {
    const { cluster, calls } = seedsCluster();
    const injected = await kill.inject(cluster, ['pgbouncer:m2'], {});
    expect(injected.detail).toBe('m2: PgBouncer pid 3001 killed (SIGKILL); Patroni and PostgreSQL left running');
    expect(injected.effect).toMatch(/^m2: PgBouncer pid 3001 gone and its port refuses \(connect ECONNREFUSED 172\.29\.7\.12:6432\), \d+\.\d s after SIGKILL$/);
    expect(await injected.heal?.()).toBe('m2: PgBouncer pid 3100 started and answering');
    expect(calls).toEqual(['SIGKILL m2', 'start m2']);
    // The member's own processes: FakeCluster's were never signalled.
    expect(await Promise.all(['m1', 'm2', 'm3'].map((n) => cluster.pid('patroni', n)))).toEqual([1000, 1100, 1200]);
  });

  it('a SIGKILL after which PgBouncer still runs and answers is no fault: it fails', async () => {
    const { cluster, calls } = seedsCluster({ deafTo: ['SIGKILL'] });
    const r = await withTime(() => kill.inject(cluster, ['pgbouncer:m1'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'm1: PgBouncer was sent SIGKILL, but 10 s later pid 3000 still running; its port answers (1 ms)' });
    // Heal found it running: nothing started beside it.
    expect(calls).toEqual(['SIGKILL m1']);
  });

  it('a port that times out after the SIGKILL is no proof, even with the process not seen: a dead listener refuses, a silent one is frozen or unreachable', async () => {
    const { cluster, calls } = seedsCluster({ portAfter: { SIGKILL: 'silent' } });
    const r = await withTime(() => kill.inject(cluster, ['pgbouncer:m2'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'm2: PgBouncer was sent SIGKILL, but 10 s later pid 3001 not seen, but its port accepts and answers nothing within 500 ms: not refused' });
    // Undone: no PgBouncer process seen, so one is started.
    expect(calls).toEqual(['SIGKILL m2', 'start m2']);
  });

  it('kills nothing when PgBouncer does not answer before the fault: a port already dead proves nothing', async () => {
    const { cluster, poolers, calls } = seedsCluster();
    Object.assign(poolers.get('m1') as Pooler, { answers: false });
    const r = await withTime(() => kill.inject(cluster, ['pgbouncer:m1'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'm1: PgBouncer pid 3000 accepts and answers nothing within 2000 ms before the fault: its silence afterwards would prove nothing, so nothing was killed' });
    expect(calls).toEqual([]);
  });

  it('a heal after which PgBouncer does not answer again fails', async () => {
    const { cluster } = seedsCluster({ startsDead: true });
    const injected = await kill.inject(cluster, ['pgbouncer:m1'], {});
    const r = await withTime(async () => injected.heal?.());
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'm1: PgBouncer started again but 10 s later it refuses (connect ECONNREFUSED 172.29.7.12:6432)' });
  });

  it('a PgBouncer name beside a member name is refused before anything is done', async () => {
    const { cluster, calls } = seedsCluster();
    await expect(kill.inject(cluster, ['pgbouncer:m1', 'm2'], {})).rejects.toThrow('m2 is not a member\'s PgBouncer: one fault acts on PgBouncers or on hosts, not both');
    expect(calls).toEqual([]);
  });
});

describe('stop of a PgBouncer', () => {
  it('is proven by 1 s of silence on its port with its process still there; heal sends SIGCONT and sees it answer', async () => {
    const { cluster, calls } = seedsCluster();
    const r = await withTime(() => stop.inject(cluster, ['pgbouncer:m3'], {}));
    expect(r.status).toBe('fulfilled');
    const injected = (r as PromiseFulfilledResult<Awaited<ReturnType<typeof stop.inject>>>).value;
    expect(injected.effect).toBe('m3: PgBouncer pid 3002 stopped, its port accepts and answers nothing within 500 ms for 1 s on end');
    expect(await injected.heal?.()).toBe('m3: PgBouncer continued (SIGCONT) and answering');
    expect(calls).toEqual(['SIGSTOP m3', 'SIGCONT m3']);
  });

  it('a SIGSTOP that leaves PgBouncer answering fails, and is undone', async () => {
    const { cluster, calls } = seedsCluster({ deafTo: ['SIGSTOP'] });
    const r = await withTime(() => stop.inject(cluster, ['pgbouncer:m3'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'm3: PgBouncer was sent SIGSTOP, but did not stay silent for 1 s within 10 s: its port answers (1 ms)' });
    expect(calls).toEqual(['SIGSTOP m3', 'SIGCONT m3']);
  });

  it('a port that refuses after the SIGSTOP is no silence, even with the process still there: nothing listening was frozen', async () => {
    const { cluster, calls } = seedsCluster({ portAfter: { SIGSTOP: 'refused' } });
    const r = await withTime(() => stop.inject(cluster, ['pgbouncer:m3'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'm3: PgBouncer was sent SIGSTOP, but did not stay silent for 1 s within 10 s: its port refuses (connect ECONNREFUSED 172.29.7.12:6432)' });
    expect(calls).toEqual(['SIGSTOP m3', 'SIGCONT m3']);
  });

  it('a PgBouncer that died rather than froze is no stop: it fails', async () => {
    const { cluster } = seedsCluster({ diesOnStop: true });
    const r = await withTime(() => stop.inject(cluster, ['pgbouncer:m3'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'm3: PgBouncer pid 3002 is gone after SIGSTOP: not stopped' });
  });
});
