import { describe, expect, it, vi } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { ClientTraffic, Keepalived, VipPair } from '../cluster/types.js';
import { kill } from './kill.js';
import { resolveTarget } from './resolve-target.js';
import type { Injected } from './types.js';
import { analyze } from '../checks/analyze.js';
import { cleanFailover, scenario } from '../checks/test-support.js';
import { History } from '../history/history.js';
import type { RunContext } from '../runner/context.js';
import { heal as healStep } from '../runner/steps.js';

/**
 * The seeds topology's pair with keepalived beside each HAProxy, as the
 * faults see it. By default VRRP acts as on a real pair: the VIP answers
 * from the first HAProxy, in priority order, whose keepalived runs (preempt),
 * and stays where it was when none does (a SIGKILL leaves the address in
 * place). `o` makes things miss, to show the faults that did nothing or too much.
 */
function seedsCluster(o: {
  /** The peer never takes over: the VIP keeps answering from where it was. */ noFailover?: boolean;
  /** HAProxy goes down with keepalived (a whole host lost, not keepalived alone). */ haproxyDiesToo?: boolean;
  /** SIGKILL reaches nothing. */ deaf?: boolean;
  /** A start that leaves no process. */ startsNothing?: boolean;
  /** Something else moves the VIP when the passive's keepalived dies. */ vipMovesAnyway?: boolean;
  /** The holder taken back by nobody after the heal (no preemption). */ noPreempt?: boolean;
} = {}) {
  const haproxies = ['haproxy1', 'haproxy2'];
  const state = {
    holder: 'haproxy1' as string | undefined,
    keepalived: new Map<string, number[]>([['haproxy1', [501, 502]], ['haproxy2', [601, 602]]]),
    down: new Set<string>(),
    calls: [] as string[],
    /** Each HAProxy's client counters (its stats CSV); an HAProxy absent here has stats that cannot be read. */
    traffic: new Map<string, ClientTraffic>([['haproxy1', { sessions: 40, bytesIn: 9_000 }], ['haproxy2', { sessions: 3, bytesIn: 100 }]]),
  };
  let nextPid = 700;
  const settle = (after: 'kill' | 'start') => {
    if (after === 'start' && o.noPreempt === true) return;
    const first = haproxies.find((h) => !state.down.has(h) && (state.keepalived.get(h) ?? []).length > 0);
    if (first !== undefined && !(after === 'kill' && o.noFailover === true)) state.holder = first;
  };
  const pair: VipPair & Keepalived = {
    vip: '172.29.7.100',
    haproxies,
    vipHolder: async () => state.holder,
    haproxyAnswers: async (h) => !state.down.has(h),
    keepalivedPids: async (h) => (state.down.has(h) ? [] : state.keepalived.get(h) ?? []),
    signalKeepalived: async (h, sig) => {
      state.calls.push(`${sig} ${h}`);
      if ((state.keepalived.get(h) ?? []).length === 0) return false;
      if (o.deaf === true) return true;
      state.keepalived.set(h, []);
      if (o.haproxyDiesToo === true) state.down.add(h);
      if (o.vipMovesAnyway === true) state.holder = h;
      else settle('kill');
      return true;
    },
    clientTraffic: async (h) => {
      const t = state.traffic.get(h);
      return t === undefined ? undefined : { ...t };
    },
    startKeepalived: async (h) => {
      state.calls.push(`start ${h}`);
      if (o.startsNothing !== true) state.keepalived.set(h, [nextPid++, nextPid++]);
      settle('start');
    },
  };
  return { cluster: Object.assign(new FakeCluster('synchronous', { failoverAfterMs: null }), pair), state };
}

/** Clients reaching `h`: `sessions` new ones and `bytes` from clients on its listeners. */
function clientsOn(state: { traffic: Map<string, ClientTraffic> }, h: string, sessions: number, bytes: number): void {
  const t = state.traffic.get(h) as ClientTraffic;
  state.traffic.set(h, { sessions: t.sessions + sessions, bytesIn: t.bytesIn + bytes });
}

/** Runs `p` to its end while fake time passes (the proofs poll for up to 15 s). */
async function withTime<T>(p: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  vi.useFakeTimers();
  try {
    const settled = Promise.allSettled([p()]);
    await vi.advanceTimersByTimeAsync(40_000);
    return (await settled)[0] as PromiseSettledResult<T>;
  } finally {
    vi.useRealTimers();
  }
}

const reason = (r: PromiseSettledResult<unknown>) => (r as PromiseRejectedResult).reason as { code: string; message: string };

describe('keepalived:haproxy-active and keepalived:haproxy-passive', () => {
  it('resolve, when the step runs, to the keepalived beside the VIP\'s holder and beside the other HAProxy', async () => {
    const { cluster, state } = seedsCluster();
    expect(await resolveTarget(cluster, 'keepalived:haproxy-active')).toEqual(['keepalived:haproxy1']);
    expect(await resolveTarget(cluster, 'keepalived:haproxy-passive')).toEqual(['keepalived:haproxy2']);
    state.holder = 'haproxy2';
    expect(await resolveTarget(cluster, 'keepalived:haproxy-active')).toEqual(['keepalived:haproxy2']);
  });

  it('match nothing on a cluster without keepalived, or for an HAProxy named rather than its part', async () => {
    await expect(resolveTarget(new FakeCluster('synchronous', { failoverAfterMs: null }), 'keepalived:haproxy-active')).rejects.toMatchObject({
      code: 'FAULT_FAILED', message: 'target "keepalived:haproxy-active" needs the seeds topology\'s keepalived beside two HAProxies; this fake cluster has none',
    });
    // Never read as haproxy-passive (resolveHaproxyRole's else-branch).
    await expect(resolveTarget(seedsCluster().cluster, 'keepalived:haproxy1')).rejects.toThrow('target "keepalived:haproxy1" matches no member right now');
  });
});

describe('kill of keepalived beside the VIP\'s holder', () => {
  it('is proven by its processes gone, the VIP answering from the other HAProxy and its own HAProxy still answering; heal starts it and sees the VIP back (preempt)', async () => {
    const { cluster, state } = seedsCluster();
    const injected = await kill.inject(cluster, ['keepalived:haproxy1'], {});
    expect(injected.detail).toBe('haproxy1: keepalived pid 501, 502 killed (SIGKILL); HAProxy left running; the VIP 172.29.7.100 was held by haproxy1');
    expect(injected.effect).toMatch(/^haproxy1: keepalived pid 501, 502 gone \(\d+\.\d s\); the VIP 172\.29\.7\.100 answered from haproxy2 \d+\.\d s after haproxy1 was left without keepalived; haproxy1: HAProxy still answering on its own address$/);
    expect(state.holder).toBe('haproxy2');
    // The writers reconnect through the new holder (haproxy2's RST of their old connections).
    clientsOn(state, 'haproxy2', 4, 2_000);
    expect(await injected.heal?.()).toBe('no client reached haproxy1 after the VIP left it; 4 client session(s) through haproxy2 while the fault was in force; haproxy1: keepalived pid 700, 701 started; the VIP 172.29.7.100 answers from haproxy1');
    expect(state.calls).toEqual(['SIGKILL haproxy1', 'start haproxy1']);
    // The HAProxy host itself was never touched.
    expect(state.down.size).toBe(0);
  });

  it('a kill after which the VIP still answers from the holder is no fault: it fails, and is undone', async () => {
    const { cluster, state } = seedsCluster({ noFailover: true });
    const r = await withTime(() => kill.inject(cluster, ['keepalived:haproxy1'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'the VIP 172.29.7.100 did not move: 15 s after haproxy1 was left without keepalived it answered from haproxy1, not haproxy2' });
    expect(state.calls).toEqual(['SIGKILL haproxy1', 'start haproxy1']);
  });

  it('a VIP that moved because the whole host went down is not keepalived alone: it fails', async () => {
    const { cluster, state } = seedsCluster({ haproxyDiesToo: true });
    const r = await withTime(() => kill.inject(cluster, ['keepalived:haproxy1'], {}));
    expect(state.holder).toBe('haproxy2');
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'haproxy1: its HAProxy did not answer on its own address within 10 s after keepalived was killed: the host went down with it, not keepalived alone' });
  });

  it('a SIGKILL after which keepalived still runs fails, and starts nothing beside it', async () => {
    const { cluster, state } = seedsCluster({ deaf: true });
    const r = await withTime(() => kill.inject(cluster, ['keepalived:haproxy1'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'haproxy1: keepalived was sent SIGKILL, but 10 s later pid 501, 502 still ran' });
    expect(state.calls).toEqual(['SIGKILL haproxy1']);
  });

  it('kills nothing when keepalived does not run there, or its HAProxy does not answer before the fault', async () => {
    const gone = seedsCluster();
    gone.state.keepalived.set('haproxy1', []);
    expect(reason(await withTime(() => kill.inject(gone.cluster, ['keepalived:haproxy1'], {})))).toMatchObject({ code: 'FAULT_FAILED', message: 'haproxy1: no keepalived runs there, so nothing was killed' });
    const silent = seedsCluster();
    Object.assign(silent.cluster, { haproxyAnswers: async () => false });
    expect(reason(await withTime(() => kill.inject(silent.cluster, ['keepalived:haproxy1'], {})))).toMatchObject({
      code: 'FAULT_FAILED', message: 'haproxy1: HAProxy does not answer on its own address before the fault: that it still runs afterwards could not be told, so nothing was killed',
    });
    expect([...gone.state.calls, ...silent.state.calls]).toEqual([]);
  });

  it('kills nothing when no HAProxy answers on the VIP before the fault', async () => {
    const { cluster, state } = seedsCluster();
    state.holder = undefined;
    const r = await withTime(() => kill.inject(cluster, ['keepalived:haproxy1'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'no HAProxy answered on the VIP 172.29.7.100 for 5 s before the fault: which of haproxy1 is active cannot be told, so nothing was killed' });
    expect(state.calls).toEqual([]);
  });

  it('clients that reached the killed holder on its stale VIP after the move fail the fault at its heal, which still starts keepalived', async () => {
    // The address a SIGKILL left on haproxy1 answers again (the host's ARP taught back to it): the clients ride
    // haproxy1's live HAProxy, writes flow, and nothing of the VIP's move is in force for them.
    const back = seedsCluster();
    const injected = await kill.inject(back.cluster, ['keepalived:haproxy1'], {});
    clientsOn(back.state, 'haproxy2', 4, 2_000);
    clientsOn(back.state, 'haproxy1', 4, 3_000);
    expect(reason(await withTime(async () => injected.heal?.()))).toMatchObject({
      code: 'FAULT_FAILED',
      message: 'clients still reached haproxy1 after the VIP answered from haproxy2: 4 new session(s) and 3000 byte(s) from clients on the address a SIGKILL left there, so the clients did not all go through haproxy2 while the fault was in force (keepalived itself: haproxy1: keepalived pid 700, 701 started; the VIP 172.29.7.100 answers from haproxy1)',
    });
    expect(back.state.calls).toEqual(['SIGKILL haproxy1', 'start haproxy1']);
    // Old connections kept flowing to haproxy1, no new session anywhere: the bytes tell.
    const kept = seedsCluster();
    const injected2 = await kill.inject(kept.cluster, ['keepalived:haproxy1'], {});
    clientsOn(kept.state, 'haproxy1', 0, 1);
    expect(reason(await withTime(async () => injected2.heal?.()))).toMatchObject({ code: 'FAULT_FAILED', message: expect.stringMatching(/^clients still reached haproxy1 after the VIP answered from haproxy2: 0 new session\(s\) and 1 byte\(s\) /) as unknown });
  });

  it('says unknown, never that clients moved, when no client came or the stats cannot be read, and hands the unknown to the runner apart from its text', async () => {
    const idle = seedsCluster();
    const injected = await kill.inject(idle.cluster, ['keepalived:haproxy1'], {});
    expect(await injected.heal?.()).toEqual({
      detail: 'no client reached haproxy1 after the VIP left it; no client session through haproxy2 while the fault was in force: that the clients went through it is unknown; haproxy1: keepalived pid 700, 701 started; the VIP 172.29.7.100 answers from haproxy1',
      unknown: 'no client session through haproxy2 while the fault was in force: that the clients went through it is unknown',
    });
    const blind = seedsCluster();
    const injected2 = await kill.inject(blind.cluster, ['keepalived:haproxy1'], {});
    blind.state.traffic.clear();
    expect(await injected2.heal?.()).toEqual({
      detail: 'whether clients reached haproxy1 after the VIP left it is unknown (its HAProxy\'s stats could not be read); how many clients went through haproxy2 is unknown (its HAProxy\'s stats could not be read); haproxy1: keepalived pid 700, 701 started; the VIP 172.29.7.100 answers from haproxy1',
      unknown: 'whether clients reached haproxy1 after the VIP left it is unknown (its HAProxy\'s stats could not be read); how many clients went through haproxy2 is unknown (its HAProxy\'s stats could not be read)',
    });
    // Counters gone back (an HAProxy restarted since) compare nothing, even with clients seen through the new holder.
    const reset = seedsCluster();
    const injected3 = await kill.inject(reset.cluster, ['keepalived:haproxy1'], {});
    clientsOn(reset.state, 'haproxy2', 4, 2_000);
    reset.state.traffic.set('haproxy1', { sessions: 1, bytesIn: 10 });
    expect(await injected3.heal?.()).toMatchObject({ unknown: 'whether clients reached haproxy1 after the VIP left it is unknown (its HAProxy\'s stats went back: restarted)' });
  });

  it('a heal after which the VIP stays with the lower priority, or no keepalived runs, fails', async () => {
    const stays = seedsCluster({ noPreempt: true });
    const injected = await kill.inject(stays.cluster, ['keepalived:haproxy1'], {});
    expect(reason(await withTime(async () => injected.heal?.()))).toMatchObject({
      code: 'FAULT_FAILED', message: 'keepalived runs again beside haproxy1, but 15 s later the VIP 172.29.7.100 answered from haproxy2, not haproxy1 (the higher VRRP priority, which preempts)',
    });
    const dead = seedsCluster({ startsNothing: true });
    const injected2 = await kill.inject(dead.cluster, ['keepalived:haproxy1'], {});
    expect(reason(await withTime(async () => injected2.heal?.()))).toMatchObject({ code: 'FAULT_FAILED', message: 'haproxy1: keepalived started again, but no keepalived process runs there' });
  });
});

/**
 * The verdict of a run whose one cure is this keepalived heal, as the
 * runner's heal step records it: a clean failover's history (every check
 * passing) with its heal replaced by the one the runner wrote.
 */
async function verdictWith(cure: Injected['heal']) {
  const history = new History();
  // Only what the runner's heal touches: the faults in force, the history, the console.
  const ctx = { active: new Map([['f1', { id: 'f1', action: 'kill', target: 'keepalived:haproxy-active', resolved: ['keepalived:haproxy1'], ...(cure ? { heal: cure } : {}) }]]), history, progress: { say: () => undefined } } as unknown as RunContext;
  await healStep(ctx, 'f1');
  const healed = history.others.flatMap((e) => (e.kind === 'fault' ? [{ ...e, t: 9_000 }] : []));
  const h = cleanFailover();
  h.finalRead(11_500, h.okKeys());
  const events = [...h.events.filter((e) => !(e.kind === 'fault' && e.phase === 'heal')), ...healed];
  const a = analyze(scenario([{ metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' }]), events);
  return { verdict: a.verdict, healed: healed[0], evidence: a.checks.find((c) => c.name === 'fault-evidence') };
}

describe('the keepalived heal at the run\'s verdict', () => {
  it('clients through the new holder and none to the old: the move is proven, the run passes', async () => {
    const { cluster, state } = seedsCluster();
    const injected = await kill.inject(cluster, ['keepalived:haproxy1'], {});
    clientsOn(state, 'haproxy2', 4, 2_000);
    const r = await verdictWith(injected.heal);
    expect(r.healed).toMatchObject({ phase: 'heal', detail: expect.stringMatching(/^no client reached haproxy1 after the VIP left it; 4 client session\(s\) through haproxy2 /) as unknown });
    expect(r.healed?.unknown).toBeUndefined();
    expect(r.verdict).toBe('pass');
  });

  it('no client through the new holder: unknown (verdict error), not a pass (today: a pass)', async () => {
    const { cluster } = seedsCluster();
    const injected = await kill.inject(cluster, ['keepalived:haproxy1'], {});
    const r = await verdictWith(injected.heal);
    expect(r.evidence).toEqual({ name: 'fault-evidence', valid: 'unknown', error: 'heal of f1 (kill on keepalived:haproxy1): no client session through haproxy2 while the fault was in force: that the clients went through it is unknown' });
    expect(r.verdict).toBe('error');
  });

  it('stats that cannot be read: unknown (verdict error), not a pass (today: a pass)', async () => {
    const { cluster, state } = seedsCluster();
    const injected = await kill.inject(cluster, ['keepalived:haproxy1'], {});
    clientsOn(state, 'haproxy2', 4, 2_000);
    // Only the old holder's stats are lost: clients seen through the new one do not prove that none reached it.
    state.traffic.delete('haproxy1');
    const r = await verdictWith(injected.heal);
    expect(r.evidence?.error).toBe('heal of f1 (kill on keepalived:haproxy1): whether clients reached haproxy1 after the VIP left it is unknown (its HAProxy\'s stats could not be read)');
    expect(r.verdict).toBe('error');
  });

  it('clients on the old holder: still a failed heal, so a failed run, never an unknown', async () => {
    const { cluster, state } = seedsCluster();
    const injected = await kill.inject(cluster, ['keepalived:haproxy1'], {});
    clientsOn(state, 'haproxy1', 4, 3_000);
    const r = await verdictWith(injected.heal);
    expect(r.healed).toMatchObject({ phase: 'heal', error: expect.stringMatching(/^clients still reached haproxy1 /) as unknown });
    expect(r.evidence?.valid).toBe(true);
    expect(r.verdict).toBe('fail');
  });
});

describe('kill of keepalived beside the passive HAProxy', () => {
  it('is proven by its processes gone, the VIP left with the holder and its HAProxy still answering; heal starts it, the VIP still on the holder', async () => {
    const { cluster, state } = seedsCluster();
    const injected = await kill.inject(cluster, ['keepalived:haproxy2'], {});
    expect(injected.effect).toMatch(/^haproxy2: keepalived pid 601, 602 gone \(\d+\.\d s\); the VIP 172\.29\.7\.100 still answers from haproxy1; haproxy2: HAProxy still answering on its own address$/);
    // The VIP never left haproxy1: its clients stay there, which is no finding.
    clientsOn(state, 'haproxy1', 4, 2_000);
    expect(await injected.heal?.()).toBe('haproxy2: keepalived pid 700, 701 started; the VIP 172.29.7.100 answers from haproxy1');
    expect(state.calls).toEqual(['SIGKILL haproxy2', 'start haproxy2']);
  });

  it('a VIP that moved when only the passive\'s keepalived died means the fault did more than it says: it fails', async () => {
    const { cluster } = seedsCluster({ vipMovesAnyway: true });
    const r = await withTime(() => kill.inject(cluster, ['keepalived:haproxy2'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'the VIP 172.29.7.100 moved from haproxy1 to haproxy2 after haproxy2 was left without keepalived: the passive\'s keepalived holds no VIP to lose, so this fault did more than it says' });
  });

  it('a passive host that went down with its keepalived fails', async () => {
    const { cluster } = seedsCluster({ haproxyDiesToo: true });
    const r = await withTime(() => kill.inject(cluster, ['keepalived:haproxy2'], {}));
    expect(reason(r)).toMatchObject({ code: 'FAULT_FAILED', message: 'haproxy2: its HAProxy did not answer on its own address within 10 s after keepalived was killed: the host went down with it, not keepalived alone' });
  });
});

describe('names a keepalived fault takes', () => {
  it('refuses keepalived beside a host name, and on a cluster without keepalived, before anything is done', async () => {
    const { cluster, state } = seedsCluster();
    await expect(kill.inject(cluster, ['keepalived:haproxy1', 'm2'], {})).rejects.toThrow('m2 is not an HAProxy\'s keepalived: one fault acts on keepalived or on hosts, not both');
    await expect(kill.inject(cluster, ['keepalived:m2'], {})).rejects.toThrow('m2 is not an HAProxy of the VIP pair (haproxy1, haproxy2)');
    await expect(kill.inject(new FakeCluster('synchronous', { failoverAfterMs: null }), ['keepalived:haproxy1'], {})).rejects.toThrow('this fake cluster runs no keepalived (the seeds topology does)');
    expect(state.calls).toEqual([]);
  });
});
