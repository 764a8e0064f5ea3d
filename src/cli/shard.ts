/**
 * `--shard i/N`: which of a command's runs this machine does. The units are
 * every (suite, scenario, iteration, side) the command would run, in the
 * order it would run them; they are split by their expected durations with
 * a deterministic longest-first greedy (no randomness, stable on ties), so
 * every machine given the same targets and flags computes the same split.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from 'commander';
import type { ShardJson } from '../report/shard-json.js';
import type { Scenario, Step, Suite, WaitCondition } from '../scenario/types.js';
import { coversScenario, type KnownFinding } from '../sla/known-findings.js';

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export type Side = 'before' | 'after';

/** One run of a scenario, named by the folder it reports into (unique in its suite and side). */
export interface Unit {
  suite: string;
  side: Side | null;
  scenario: string;
  /** The scenario's place in the suite, from 1 (a suite may list a scenario twice). */
  position: number;
  iteration: number;
  dir: string;
  estimate_ms: number;
}

/** Shards are few; a matrix of more than this many cluster machines is a typo. */
const MAX_SHARDS = 1000;

/** `--shard 2/3`: invalid input (exit 2, before anything starts) for 0/3, 4/3, 1/0, x, 1.5/3. */
export function shardArg(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (m === null || total < 1 || total > MAX_SHARDS || index < 1 || index > total) {
    throw new InvalidArgumentError(`expected i/N with 1 <= i <= N <= ${MAX_SHARDS}, e.g. 2/3 (the second of three shards); got "${v}"`);
  }
  return { index, total };
}

/**
 * What a wait typically takes when it holds, from the harness's own runs
 * (a failover's new leader within a TTL and a loop, a rebuild's
 * convergence): an estimate for balancing only, capped by the step's timeout.
 */
const TYPICAL_WAIT_MS: Record<WaitCondition, number> = {
  healthy: 2_000, writable: 5_000, converged: 20_000, leader: 5_000, 'new-leader': 20_000, 'etcd-healthy': 5_000, 'etcd-new-cluster': 5_000,
};
/** Starting a cluster to healthy (docker's 15.6 s median, issue 23), the final convergence and the teardown. */
export const CLUSTER_COST_MS = 25_000;
const FAULT_MS = 1_000;
const EXEC_MS = 5_000;

function stepMs(step: Step): number {
  switch (step.kind) {
    case 'sleep': return step.ms;
    case 'wait_for': return Math.min(step.timeoutMs, TYPICAL_WAIT_MS[step.condition]);
    case 'fault': case 'heal': return FAULT_MS;
    case 'exec': return Math.min(step.timeoutMs, EXEC_MS);
    // Faults keep coming until the duration is over; the last one's recovery runs past it.
    case 'nemesis': return step.durationMs + Math.min(step.recoverTimeoutMs, TYPICAL_WAIT_MS.converged);
  }
}

/** A run's expected wall time: its steps as they typically go, plus a cluster's start and stop. */
export function estimateMs(scenario: Scenario): number {
  return CLUSTER_COST_MS + scenario.steps.reduce((sum, s) => sum + stepMs(s), 0);
}

/** A run's report folder inside its suite's, as runSuites names it. */
export function runDirName(scenarioIndex: number, name: string, iteration: number, iterations: number): string {
  return `${String(scenarioIndex + 1).padStart(2, '0')}-${name}${iterations > 1 ? `-${iteration}` : ''}`;
}

/** Every run of a suite (one side of an upgrade, or null), in the order runSuites runs them. */
export function suiteUnits(suite: Suite, iterations: number, side: Side | null = null): Unit[] {
  return suite.scenarios.flatMap((scenario, i) => Array.from({ length: iterations }, (_, k): Unit => ({
    suite: suite.name, side, scenario: scenario.name, position: i + 1, iteration: k + 1, dir: runDirName(i, scenario.name, k + 1, iterations), estimate_ms: estimateMs(scenario),
  })));
}

export const unitKey = (u: Pick<Unit, 'suite' | 'side' | 'dir'>): string => `${u.suite}/${u.side ?? '-'}/${u.dir}`;

/**
 * The units of each shard, each in run order: longest first onto the
 * least loaded shard (the lowest-numbered on a tie), ties between units
 * kept in run order. Deterministic in the list alone.
 */
export function splitUnits(units: readonly Unit[], total: number): Unit[][] {
  const order = units.map((u, i) => ({ u, i })).sort((a, b) => b.u.estimate_ms - a.u.estimate_ms || a.i - b.i);
  const load = Array.from({ length: total }, () => 0);
  const picked: number[][] = Array.from({ length: total }, () => []);
  for (const { u, i } of order) {
    const to = load.indexOf(Math.min(...load));
    load[to] = (load[to] ?? 0) + u.estimate_ms;
    picked[to]?.push(i);
  }
  return picked.map((ix) => ix.sort((a, b) => a - b).flatMap((i) => units[i] ?? []));
}

/** The keys of the units shard `shard` runs, out of all of the command's. */
export function shardKeys(units: readonly Unit[], shard: Shard): Set<string> {
  return new Set((splitUnits(units, shard.total)[shard.index - 1] ?? []).map(unitKey));
}

/** The same list on every machine gives the same hash: what merge-reports checks the pieces against. */
export function unitsHash(units: readonly Unit[]): string {
  return createHash('sha256').update(JSON.stringify(units.map((u) => [u.suite, u.side, u.dir]))).digest('hex');
}

/** What a shard writes as shard.json for one suite (one side). */
export function shardRecord(suite: Suite, units: readonly Unit[], ran: readonly Unit[], shard: Shard, o: { harnessVersion: string; provider: string; iterations: number; strict: boolean; findings: readonly KnownFinding[] }): ShardJson {
  return {
    suite: suite.name,
    side: units[0]?.side ?? null,
    shard: { index: shard.index, total: shard.total },
    harness_version: o.harnessVersion,
    provider: o.provider,
    releases: [...new Set(suite.scenarios.flatMap((s) => (s.cluster.release === undefined ? [] : [s.cluster.release])))].sort(),
    iterations: o.iterations,
    strict: o.strict,
    units: units.map((u) => ({ scenario: u.scenario, position: u.position, iteration: u.iteration, dir: u.dir })),
    units_hash: unitsHash(units),
    ran: ran.map((u) => u.dir),
    scenarios: suite.scenarios.map((s, i) => ({
      name: s.name,
      position: i + 1,
      file: s.file ?? null,
      over_iterations: s.sla.filter((r) => r.stat !== undefined),
      // Decided here, where the scenario file is: the merging machine may keep the checkout elsewhere.
      known_findings: o.findings.filter((f) => coversScenario(f, s.name, s.file)).map(({ dir: _dir, ...f }) => f),
    })),
  };
}
