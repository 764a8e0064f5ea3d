/**
 * Hand-made run for the report tests: a runbook-style primary kill (ttl 30)
 * whose RTO misses the 30 s budget and which loses two writes. Timings in
 * ms from the start; the metrics below agree with the events.
 */
import type { Metrics } from '../checks/metrics.js';
import type { HistoryEvent, ProbeEvent, WriteEvent } from '../history/events.js';
import type { Scenario } from '../scenario/types.js';
import type { RunRecord } from './types.js';

export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
export const INJECT = 7_000;
export const LEADER_GONE = 35_000;
export const PROMOTED = 39_000;
export const FIRST_OK_AFTER = 48_230;
export const HEAL = 55_000;
export const END = 75_000;

export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'kill-primary',
    description: 'Crash the primary node; a replica must take over.',
    tags: ['nightly', 'failover'],
    file: '/work/scenarios/kill-primary.yaml',
    cluster: { replication: 'synchronous', patroni: { ttl: 30, loop_wait: 10, retry_timeout: 10 } },
    workload: { writers: 1, timeoutMs: 5000 },
    observe: { intervalMs: 100, writeProbes: false },
    steps: [
      { kind: 'wait_for', condition: 'healthy', timeoutMs: 60_000 },
      { kind: 'sleep', ms: 5000 },
      { kind: 'fault', id: 'f1', action: 'kill', target: 'primary', params: {} },
      { kind: 'wait_for', condition: 'writable', timeoutMs: 90_000 },
      { kind: 'heal', id: 'all' },
      { kind: 'wait_for', condition: 'converged', timeoutMs: 300_000 },
    ],
    sla: [],
    ...overrides,
  };
}

function probe(t: number, member: string, view: Omit<ProbeEvent, 'kind' | 't' | 'member'>): ProbeEvent {
  return { kind: 'probe', t: T0 + t, member, ...view };
}

const primary = { patroniRole: 'primary', inRecovery: false } as const;
const replica = { patroniRole: 'replica', inRecovery: true } as const;

/** Probes every 100 ms: pg-1 dies and returns as a replica; pg-2 is Patroni-primary 500 ms before it leaves recovery. */
export function probes(): ProbeEvent[] {
  const out: ProbeEvent[] = [];
  for (let t = 0; t < END; t += 100) {
    out.push(t < INJECT ? probe(t, 'pg-1', { ...primary, timeline: 1 })
      : t < HEAL + 2000 ? probe(t, 'pg-1', { error: 'connection refused' })
      : probe(t, 'pg-1', { ...replica, timeline: 2 }));
    out.push(t < PROMOTED - 500 ? probe(t, 'pg-2', { ...replica, timeline: 1 })
      : t < PROMOTED ? probe(t, 'pg-2', { patroniRole: 'primary', inRecovery: true, timeline: 1 })
      : probe(t, 'pg-2', { ...primary, timeline: 2 }));
    out.push(probe(t, 'pg-3', { ...replica, timeline: t < PROMOTED + 1000 ? 1 : 2 }));
  }
  return out;
}

/** One writer: acks every 100 ms, two indeterminate at the crash, fails every 200 ms until re-route. */
export function writes(): WriteEvent[] {
  const out: WriteEvent[] = [];
  let key = 0;
  const w = (end: number, outcome: WriteEvent['outcome'], extra: Partial<WriteEvent> = {}): void => {
    out.push({ kind: 'write', key: ++key, writer: 0, start: T0 + end - 5, end: T0 + end, outcome, ...extra });
  };
  for (let t = 100; t <= 6_900; t += 100) w(t, 'ok', { node: 'pg-1', timeline: 1 });
  w(7_050, 'info', { error: 'connection lost during commit' });
  w(7_150, 'info', { error: 'connection lost during commit' });
  for (let t = 7_300; t < FIRST_OK_AFTER; t += 200) w(t, 'fail', { error: 'connection refused' });
  for (let t = FIRST_OK_AFTER; t < END - 1000; t += 100) w(t, 'ok', { node: 'pg-2', timeline: 2 });
  return out;
}

export function events(): HistoryEvent[] {
  const at = (t: number): number => T0 + t;
  const step = (index: number, s: string, from: number, to: number, ok = true): HistoryEvent[] => [
    { kind: 'step', t: at(from), index, step: s, phase: 'start' },
    { kind: 'step', t: at(to), index, step: s, phase: 'end', ok },
  ];
  const dcs: HistoryEvent[] = [];
  // The observer reports the key on every watch tick; only changes belong in a timeline.
  for (let t = 0; t < LEADER_GONE; t += 1000) dcs.push({ kind: 'dcs', t: at(t), leader: 'pg-1' });
  dcs.push({ kind: 'dcs', t: at(LEADER_GONE), leader: null }, { kind: 'dcs', t: at(PROMOTED - 500), leader: 'pg-2' });
  return [
    { kind: 'note', t: at(50), message: 'primary at start: pg-1' },
    ...step(0, 'wait_for healthy', 0, 2_000),
    ...step(1, 'sleep 5s', 2_000, INJECT),
    ...step(2, 'fault kill primary', INJECT, INJECT + 40),
    { kind: 'fault', t: at(INJECT), phase: 'inject', id: 'f1', action: 'kill', target: 'primary', resolved: ['pg-1'], detail: 'SIGKILL postgres & patroni', effect: 'pg-1: PIDs 4711, 4712 gone' },
    ...step(3, 'wait_for writable', INJECT + 40, FIRST_OK_AFTER + 10),
    ...step(4, 'heal all', HEAL, HEAL + 900),
    { kind: 'fault', t: at(HEAL + 100), phase: 'heal', id: 'f1', action: 'kill', target: 'primary', resolved: ['pg-1'] },
    ...step(5, 'wait_for converged', HEAL + 900, 70_000),
    { kind: 'converged', t: at(70_000), ok: true, members: [
      { name: 'pg-1', role: 'replica', state: 'streaming', timeline: 2, lagBytes: 0 },
      { name: 'pg-2', role: 'leader', state: 'running', timeline: 2, lagBytes: 0 },
      { name: 'pg-3', role: 'replica', state: 'streaming', timeline: 2, lagBytes: 0 },
    ] },
    { kind: 'final-read', t: at(74_500), node: 'pg-2', keys: [1, 2, 3] },
    ...dcs,
    ...probes(),
    ...writes(),
  ];
}

export function metrics(overrides: Partial<Metrics> = {}): Metrics {
  const ws = writes();
  const count = (o: WriteEvent['outcome']): number => ws.filter((w) => w.outcome === o).length;
  const phases = {
    fault_id: 'f1', action: 'kill', injected_at: T0 + INJECT,
    detection_ms: LEADER_GONE - INJECT, promotion_ms: PROMOTED - LEADER_GONE, reroute_ms: FIRST_OK_AFTER - PROMOTED,
    rto_ms: FIRST_OK_AFTER - INJECT, old_leader: 'pg-1', new_leader: 'pg-2', leader_changes: 1, effect: 'pg-1: PIDs 4711, 4712 gone',
  };
  return {
    rto_ms: phases.rto_ms, detection_ms: phases.detection_ms, promotion_ms: phases.promotion_ms, reroute_ms: phases.reroute_ms,
    unavailability_ms: FIRST_OK_AFTER - 6_900, no_leader_ms: 3_500, lost_writes: 2, rpo_ms: 150,
    unexpected_writes: 0, recovered_writes: 1, ghost_writes: 0, max_concurrent_primaries: 1, split_brain_ms: 0, convergence_ms: 15_000, recovery_ms: null, lagging_promotions: 0, promotion_lag_bytes: 0, stale_leader_writes: 0, leader_changes: 1, failed_steps: 0,
    writes: { ok: count('ok'), fail: count('fail'), info: count('info'), attempted: ws.length },
    faults: [phases],
    latency: {
      before: { count: 69, p50_ms: 4.2, p95_ms: 7.9, p99_ms: 11.5, max_ms: 14 },
      during: { count: 0, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null },
      after: { count: 258, p50_ms: 4.6, p95_ms: 9.1, p99_ms: 1_250, max_ms: 1_800 },
    },
    samples: { lost: [68, 69], unexpected: [], recovered: [70], ghost: [] },
    ...overrides,
  };
}

export function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'r-20250115-100000',
    scenario: scenario(),
    iteration: 1,
    provider: 'local',
    versions: { postgres: '15.8', patroni: '3.3.2', etcd: '3.5.16', haproxy: null },
    startedAt: T0,
    endedAt: T0 + END,
    clusterConfig: { ttl: 30, loop_wait: 10, retry_timeout: 10, replication: 'synchronous', maximum_lag_on_failover: 1048576 },
    analysis: {
      metrics: metrics(),
      checks: [{ name: 'set', valid: false }, { name: 'split-brain', valid: true }],
      sla: [
        { metric: 'rto_ms', threshold: '< 30s', observed: FIRST_OK_AFTER - INJECT, pass: false, status: 'fail', source: '002 "RTO < 30 seconds"' },
        { metric: 'lost_writes', threshold: '== 0', observed: 2, pass: false, status: 'fail', source: '002 "RPO: 0 seconds"' },
        { metric: 'max_concurrent_primaries', threshold: '<= 1', observed: 1, pass: true, status: 'pass' },
      ],
      verdict: 'fail',
    },
    events: events(),
    logsDir: 'logs',
    ...overrides,
  };
}

/** A run that passed every line, with the given RTO (for suites and compare). */
export function passingRun(rtoMs: number, overrides: Partial<RunRecord> = {}): RunRecord {
  const base = run();
  return run({
    analysis: {
      ...base.analysis,
      metrics: metrics({ rto_ms: rtoMs, lost_writes: 0, samples: { lost: [], unexpected: [], recovered: [], ghost: [] } }),
      checks: [{ name: 'set', valid: true }],
      sla: [{ metric: 'rto_ms', threshold: '< 30s', observed: rtoMs, pass: true, status: 'pass' }],
      verdict: 'pass',
    },
    ...overrides,
  });
}
