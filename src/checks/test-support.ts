/**
 * Builders for hand-made histories in the checks' unit tests. Times are
 * small integers (ms since an arbitrary zero) so expected figures can be
 * worked out by hand. Not used outside tests.
 */
import type { HistoryEvent, Outcome, ProbeEvent } from '../history/events.js';
import type { Scenario } from '../scenario/types.js';
import type { SlaRequirement } from '../sla/types.js';

export function scenario(sla: SlaRequirement[] = [], intervalMs = 100): Scenario {
  return {
    name: 'hand-made',
    description: 'unit test',
    tags: [],
    cluster: { replication: 'synchronous', patroni: {} },
    workload: { writers: 1, timeoutMs: 5000 },
    observe: { intervalMs, writeProbes: false },
    steps: [],
    sla,
  };
}

type ProbeFields = Omit<ProbeEvent, 'kind' | 't' | 'member'>;

export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  #nextKey = 1;

  /** A write with a fresh key (or the given one); returns the key. */
  write(start: number, end: number, outcome: Outcome, at?: { node: string; timeline: number }, key = this.#nextKey++): number {
    this.events.push({ kind: 'write', key, writer: 0, start, end, outcome, ...(outcome === 'ok' ? at : {}) });
    return key;
  }

  ok(start: number, end: number, node = 'pg1', timeline = 1): number {
    return this.write(start, end, 'ok', { node, timeline });
  }

  /** Ok writes of `durationMs` starting every `everyMs` in [from, to). */
  steady(from: number, to: number, everyMs: number, durationMs: number, node = 'pg1', timeline = 1): number[] {
    const keys: number[] = [];
    for (let t = from; t < to; t += everyMs) keys.push(this.ok(t, t + durationMs, node, timeline));
    return keys;
  }

  probe(t: number, member: string, fields: ProbeFields): this {
    this.events.push({ kind: 'probe', t, member, ...fields });
    return this;
  }

  /** A primary / replica probe by PostgreSQL's view only; WAL grows with time and replicas keep up. */
  primary(t: number, member: string): this {
    return this.probe(t, member, { inRecovery: false, walPosition: t * 100 });
  }

  replica(t: number, member: string): this {
    return this.probe(t, member, { inRecovery: true, walPosition: t * 100 });
  }

  /** A leader-key read as old histories recorded it: an instant, no revision, proving no span. */
  dcs(t: number, leader: string | null): this {
    this.events.push({ kind: 'dcs', t, leader });
    return this;
  }

  /** A linearizable read sent at t and answered at t + 5, with the key's mod_revision. */
  read(t: number, leader: string | null, revision: number): this {
    this.events.push({ kind: 'dcs', t, end: t + 5, leader, revision });
    return this;
  }

  /** Reads every `everyMs` in [from, to) all showing the same holder and revision. */
  reads(from: number, to: number, everyMs: number, leader: string | null, revision: number): this {
    for (let t = from; t < to; t += everyMs) this.read(t, leader, revision);
    return this;
  }

  inject(t: number, id = 'f1', action = 'kill', resolved: string[] = ['pg1'], end?: number): this {
    this.events.push({ kind: 'fault', t, phase: 'inject', id, action, target: 'primary', resolved, ...(end === undefined ? {} : { end }) });
    return this;
  }

  heal(t: number, id = 'f1', action = 'kill'): this {
    this.events.push({ kind: 'fault', t, phase: 'heal', id, action, target: 'primary', resolved: [] });
    return this;
  }

  /** A convergence check; `final` is the runner's after the workload stopped, which compares the rows. */
  converged(t: number, ok = true, final = false): this {
    this.events.push({ kind: 'converged', t, ok, members: [], ...(final ? { final: true } : {}), ...(ok ? {} : { reason: 'row sets differ' }) });
    return this;
  }

  step(t: number, index: number, step: string, ok: boolean, error?: string): this {
    this.events.push({ kind: 'step', t, index, step, phase: 'end', ok, ...(error === undefined ? {} : { error }) });
    return this;
  }

  finalRead(t: number, keys: number[], node = 'pg2'): this {
    this.events.push({ kind: 'final-read', t, node, keys });
    return this;
  }

  /** Every key acknowledged so far: what a loss-free final read holds. */
  okKeys(): number[] {
    return this.events.flatMap((e) => (e.kind === 'write' && e.outcome === 'ok' ? [e.key] : []));
  }
}

/**
 * A primary crash handled by the book, with round figures:
 * pg1 leads and takes writes (10 ms each, every 100 ms, keys 1..50, last
 * ack at 4910); pg1 is killed at 5000; writes fail from then until 7250;
 * the leader key is gone at 6500 and pg2 holds it at 7000; pg2 first
 * reports inRecovery false at 7200; writes to pg2 on timeline 2 (50 ms
 * each) start at 7300, first ack 7350; pg1 is restarted (heal) at 9000 and
 * rejoins as a replica; converged at 11000, confirmed by the final check
 * (rows compared) at 11200. No final read: each test adds the one it needs.
 *
 * Expected: rto 2350, detection 1500, promotion 700, reroute 150,
 * unavailability 2440, no-leader 500, convergence 2000, one primary at a time.
 */
export function cleanFailover(): HistoryBuilder {
  const h = new HistoryBuilder();
  h.reads(0, 6500, 100, 'pg1', 3);
  for (let t = 0; t < 12_000; t += 100) {
    if (t < 5000) h.primary(t, 'pg1');
    else if (t < 9500) h.probe(t, 'pg1', { error: 'connection refused' });
    else h.replica(t, 'pg1');
    if (t < 7200) h.replica(t, 'pg2');
    else h.primary(t, 'pg2');
    h.replica(t, 'pg3');
  }
  h.steady(0, 5000, 100, 10, 'pg1', 1);
  h.inject(5000, 'f1', 'kill', ['pg1']);
  for (let t = 5000; t <= 7200; t += 100) h.write(t, t + 50, 'fail');
  h.reads(6500, 7000, 100, null, 0).reads(7000, 12_000, 100, 'pg2', 8);
  h.steady(7300, 10_000, 100, 50, 'pg2', 2);
  h.heal(9000, 'f1');
  h.converged(11_000, true);
  h.converged(11_200, true, true);
  return h;
}
