import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AlertScrapes } from '../alerts/in-run.js';
import { PrometheusWatch, runsPrometheus } from '../alerts/monitoring.js';
import type { AlertEvaluationEvent } from '../history/events.js';
import { judgedSpan } from '../checks/alert-lines.js';
import { judge } from '../checks/judge.js';
import { hasAlertMonitoring, type ClusterProvider, type StartedCluster } from '../cluster/types.js';
import { stopAndSweep } from '../cluster/live.js';
import type { EtcdClusterIdReading } from '../cluster/identity.js';
import { errorMessage, HarnessError } from '../errors.js';
import { unmet } from '../scenario/requires.js';
import { now } from '../history/clock.js';
import { History, ofKind } from '../history/history.js';
import type { RunRecord, WallTime } from '../report/types.js';
import { DEFAULT_WAIT_MS } from '../scenario/steps.js';
import type { Scenario } from '../scenario/types.js';
import type { KnownFinding } from '../sla/known-findings.js';
import { AckLedger } from './acks.js';
import { logSources, scanEvidence } from './evidence-scan.js';
import type { RunContext } from './context.js';
import { convergedReason } from './final-state.js';
import { REAL_PARTS, type HarnessParts } from './parts.js';
import { Progress } from './progress.js';
import { describeStep, healAll, runStep } from './steps.js';
import { pollUntil } from '../cluster/wait/poll.js';

export interface RunScenarioOptions {
  /** Builds the provider for this scenario's cluster settings. */
  provider: (scenario: Scenario) => ClusterProvider;
  /** Folder for this run's report, history and logs. */
  dir: string;
  iteration: number;
  /** How long the final convergence may take; by default the scenario's convergence line, else 5 minutes. */
  finalConvergeMs?: number;
  /** Lines with a `stat` wait for the other iterations. */
  deferStats?: boolean;
  knownFindings?: readonly KnownFinding[];
  /** Count known findings as failures. */
  strict?: boolean;
  /** The client, observers and inspections; the real ones unless a test brings the fake provider's. */
  parts?: HarnessParts;
  /** How long the first read of the leader key may take before the run gives up; 10 s by default. */
  firstReadMs?: number;
  /**
   * run --parallel: the run's name on its progress lines instead of the
   * scenario's (iterations of one scenario run at once), each line kept, none redrawn.
   */
  progressLabel?: string;
}

/**
 * Runs one scenario end to end: start the cluster, start observers and the
 * workload, run the steps, then (whatever happened) heal every fault, stop
 * the workload, check convergence with the rows compared, read the final
 * state on the leader, stop the cluster, and judge the history.
 */
export async function runScenario(scenario: Scenario, o: RunScenarioOptions): Promise<RunRecord> {
  mkdirSync(o.dir, { recursive: true });
  const parts = o.parts ?? REAL_PARTS;
  // The writes spill next to history.jsonl: on disk with the report, not in a memory-backed /tmp.
  const history = new History(join(o.dir, 'history.jsonl'), { dir: o.dir });
  const startedAt = Date.now();
  let currentStep = 'starting cluster';
  const progress = new Progress(o.progressLabel ?? scenario.name, { step: () => currentStep, writes: () => ctx?.workload.stats ?? { ok: 0, fail: 0, info: 0 }, primary: () => ctx?.dcs.leader }, { shared: o.progressLabel !== undefined });
  let ctx: RunContext | undefined;
  let cluster: StartedCluster | undefined;
  let harnessError: { code: string; message: string } | undefined;
  const provider = o.provider(scenario);
  // Marks of the wall-time parts: started, healthy, steps done, converged, stopped.
  const marks: { healthy?: number; steps?: number; converged?: number } = {};
  const alerts = new AlertScrapes(parts.scrapeMetrics);
  let evaluation: AlertEvaluationEvent | undefined;
  progress.start();
  try {
    cluster = await provider.start({ onProgress: (m) => progress.say(m) });
    requireVersions(scenario, cluster);
    marks.healthy = Date.now();
    progress.say(`cluster ${cluster.runId} healthy`);
    await parts.prepare(cluster);
    const c = cluster;
    history.append({ kind: 'members', t: now(), members: c.members.map((m) => m.name) });
    const dcs = parts.dcs(c, scenario.observe.intervalMs, (e) => history.append(e));
    const run: RunContext = {
      scenario, cluster: c, history, dcs, progress, parts, active: new Map(), leaderAtLastFault: undefined, acks: new AckLedger(),
      workload: parts.workload(c, scenario.workload, (e) => {
        history.append(e);
        run.acks.record(e);
      }),
    };
    ctx = run;
    const observers = parts.observers(c, scenario.observe, (e) => history.append(e));
    dcs.start();
    observers.forEach((ob) => ob.start());
    // No step before the leader key has been read once: a fault injected earlier would record no
    // leader to compare with, and `wait_for: new-leader` would take the first read for a new one.
    await pollUntil(async () => (dcs.leader !== undefined ? true : 'the leader key has not been read yet'), { timeoutMs: o.firstReadMs ?? 10_000, what: 'the first read of the leader key', intervalMs: 20 })
      .catch(async (err: unknown) => {
        // Observers left running would go on recording into a history that is about to close.
        await Promise.all([dcs.stop(), ...observers.map((ob) => ob.stop())]);
        throw err;
      });
    if (scenario.steps.some((s) => s.kind === 'wait_for' && s.condition === 'etcd-new-cluster')) run.etcdClusterAtStart = await etcdClusterBefore(run);
    // The documented alerts are read against what the healthy cluster exports, before any fault changes it.
    await alerts.take(c);
    // The run's Prometheus, where the provider runs one, must be evaluating every rule before anything happens.
    // A machine without Prometheus runs none: the run is not held to alert lines it could never have had.
    const watch = hasAlertMonitoring(c) && runsPrometheus(c.monitoring) ? new PrometheusWatch(c.monitoring) : undefined;
    if (watch !== undefined) {
      currentStep = 'waiting for Prometheus to evaluate the documented alerts';
      await watch.ready();
    }
    run.workload.start();
    try {
      for (const [i, step] of scenario.steps.entries()) {
        currentStep = `step ${i + 1}/${scenario.steps.length} ${describeStep(step)}`;
        await runStep(run, step, i);
      }
    } finally {
      currentStep = 'healing';
      await healAll(run);
      await run.workload.stop();
      marks.steps = Date.now();
      try {
        currentStep = 'final convergence';
        await finalConvergence(run, o.finalConvergeMs ?? convergeBudget(scenario));
        await finalRead(run);
        marks.converged = Date.now();
        await alerts.take(c);
        if (watch !== undefined) {
          evaluation = await watch.end(startedAt, judgedSpan(history).to);
          history.append(evaluation);
        }
      } finally {
        await Promise.all([dcs.stop(), ...observers.map((ob) => ob.stop())]);
      }
    }
  } catch (err) {
    harnessError = { code: err instanceof HarnessError ? err.code : 'INTERNAL', message: errorMessage(err) };
    progress.say(`harness error: ${harnessError.message}`);
  } finally {
    progress.stop();
    marks.steps ??= marks.healthy === undefined ? undefined : Date.now();
    try {
      // A stop that throws (collecting logs, say) still ends with the provider's sweep; its error is the run's to report.
      if (cluster) {
        await stopAndSweep(cluster);
        copyLogs(cluster, join(o.dir, 'logs'));
      }
    } finally {
      // The logs exist only now, copied at stop; a stop that threw left none, and each entry then says so.
      if (cluster) recordEvidence(scenario, history, join(o.dir, 'logs'), cluster);
      await history.close();
    }
  }
  const endedAt = Date.now();
  const events = history;
  const versions = cluster?.versions ?? { postgres: null, patroni: null, etcd: null, haproxy: null };
  const firstFaultAt = ofKind(events, 'fault').find((e) => e.phase === 'inject')?.t;
  const alertsReport = alerts.report(cluster?.scope, startedAt, { ...(evaluation === undefined ? {} : { evaluation }), ...(firstFaultAt === undefined ? {} : { firstFaultAt }) });
  return {
    runId: cluster?.runId ?? 'not-started',
    scenario,
    iteration: o.iteration,
    provider: provider.name,
    versions,
    startedAt,
    endedAt,
    wall: wallTime(startedAt, marks, endedAt),
    clusterConfig: clusterConfigOf(cluster, scenario),
    analysis: judge(scenario, events, { versions, deferStats: o.deferStats ?? false, knownFindings: o.knownFindings ?? [], strict: o.strict ?? false }),
    events,
    release: () => history.dispose(),
    ...(harnessError ? { harnessError } : {}),
    ...(cluster ? { logsDir: 'logs' } : {}),
    ...(alertsReport === undefined ? {} : { alerts: alertsReport }),
  };
}

/** The parts of a run's wall time, from the marks it reached. */
export function wallTime(startedAt: number, m: { healthy?: number; steps?: number; converged?: number }, endedAt: number): WallTime {
  if (m.healthy === undefined) return { start_ms: endedAt - startedAt };
  const steps = m.steps ?? endedAt;
  return {
    start_ms: m.healthy - startedAt,
    scenario_ms: steps - m.healthy,
    ...(m.converged === undefined ? {} : { convergence_ms: m.converged - steps }),
    teardown_ms: endedAt - (m.converged ?? steps),
  };
}

/** The scenario's own convergence budget when it states one, else 004's 5 minutes. */
function convergeBudget(scenario: Scenario): number {
  const line = scenario.sla.find((r) => r.metric === 'convergence_ms' && (r.op === '<' || r.op === '<='));
  return line === undefined ? DEFAULT_WAIT_MS.converged : Math.max(line.value, 1000);
}

/**
 * After the workload stopped: every member on the leader's timeline with
 * zero lag and the same set of rows. Always checked, whatever the scenario's
 * own waits saw while writes were still going on; giving up is recorded
 * (with the last reason), and the convergence check fails the run on it.
 */
async function finalConvergence(ctx: RunContext, timeoutMs: number): Promise<void> {
  let last: Awaited<ReturnType<HarnessParts['snapshot']>> = [];
  const probe = async (): Promise<true | string> => {
    last = await ctx.parts.snapshot(ctx.cluster, { rows: true });
    return convergedReason(last, ctx.cluster.members.length, { rows: true });
  };
  try {
    await pollUntil(probe, { timeoutMs, what: 'final convergence', intervalMs: 250 });
    ctx.history.append({ kind: 'converged', t: now(), ok: true, members: last, final: true });
  } catch (err) {
    ctx.history.append({ kind: 'converged', t: now(), ok: false, members: last, final: true, reason: errorMessage(err) });
    ctx.progress.say(`cluster did not converge after the run: ${errorMessage(err)}`);
  }
}

/** The final state, read on the leader; with no single leader there is nothing trustworthy to read. */
async function finalRead(ctx: RunContext): Promise<void> {
  const leader = await ctx.parts.leaderName(ctx.cluster).catch((err: unknown) => ({ none: errorMessage(err) }));
  if (typeof leader !== 'string') {
    ctx.history.append({ kind: 'note', t: now(), message: `final read skipped: ${leader.none}; lost writes cannot be judged` });
    return;
  }
  try {
    ctx.history.append({ kind: 'final-read', t: now(), node: leader, keys: await ctx.parts.readKeys(ctx.cluster, leader) });
  } catch (err) {
    ctx.history.append({ kind: 'note', t: now(), message: `final read on ${leader} failed: ${errorMessage(err)}` });
  }
}

/**
 * `requires:` against what the cluster itself reports, before any step: an
 * external cluster's versions are only known now, and a release table or a
 * machine can be wrong. No fault is injected into a cluster the scenario does not apply to.
 */
export function requireVersions(scenario: Scenario, cluster: StartedCluster): void {
  if (scenario.requires === undefined) return;
  const short = unmet(scenario.requires, cluster.versions, `the ${cluster.provider} cluster`);
  if (short.length > 0) throw new HarnessError('UNMET_REQUIREMENT', `scenario ${scenario.name} ${short.map((s) => s.message).join('; ')}`);
}

/** report.json `cluster`: the scenario's Patroni settings as in force, the release and the exact packages where the provider built them. */
export function clusterConfigOf(cluster: StartedCluster | undefined, scenario: Scenario): RunRecord['clusterConfig'] {
  const dcs = cluster?.dcs ?? scenario.cluster.patroni;
  const release = cluster?.release ?? scenario.cluster.release;
  return {
    ...dcs, ttl: Number(dcs['ttl'] ?? NaN), loop_wait: Number(dcs['loop_wait'] ?? NaN), retry_timeout: Number(dcs['retry_timeout'] ?? NaN),
    replication: scenario.cluster.replication, ...(release === undefined ? {} : { release }),
    // Only when not the default, which every report before it ran on.
    ...(scenario.cluster.topology === undefined || scenario.cluster.topology === 'minimal' ? {} : { topology: scenario.cluster.topology }),
    ...(cluster?.packages === undefined ? {} : { packages: { ...cluster.packages } }),
    // A cluster that booted with other settings (local: a short loop_wait) proves the scenario's were in force before the first step.
    ...(cluster?.dcsInForce === undefined ? {} : { in_force: cluster.dcsInForce }),
  };
}

function copyLogs(cluster: StartedCluster, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const [name, file] of Object.entries(cluster.logFiles())) {
    try {
      cpSync(file, join(dest, `${name}.log`));
    } catch {
      continue; // a component that never started has no log; the report lists what exists
    }
  }
}

/** One `evidence` event per entry of the scenario's `evidence:`, from the logs copied into the report folder. */
function recordEvidence(scenario: Scenario, history: History, dir: string, cluster: StartedCluster): void {
  const sources = logSources(cluster.members.map((m) => m.name), cluster.etcd.map((e) => e.name));
  (scenario.evidence ?? []).forEach((spec, index) => {
    try {
      history.append(scanEvidence(spec, index, dir, sources, now()));
    } catch (err) {
      // No event for the entry: the check says the logs were never searched for it.
      history.append({ kind: 'note', t: now(), message: `evidence[${index}] could not be searched for: ${errorMessage(err)}` });
    }
  });
}

/** The etcd cluster id every etcd member agrees on before the first step, for `wait_for: etcd-new-cluster`. */
async function etcdClusterBefore(ctx: RunContext): Promise<{ id: string; revision: number } | { unread: string }> {
  const seen: EtcdClusterIdReading[] = await ctx.parts.etcdClusterIds(ctx.cluster).catch((err: unknown) => [{ name: 'etcd', error: errorMessage(err) }]);
  const ids = [...new Set(seen.flatMap((s) => (s.clusterId === undefined ? [] : [s.clusterId])))];
  const failing = seen.flatMap((s) => (s.error === undefined ? [] : [`${s.name}: ${s.error}`]));
  if (ids.length !== 1 || failing.length > 0) return { unread: failing.length > 0 ? failing.join('; ') : `${ids.length} cluster ids (${ids.join(', ')})` };
  const revisions = seen.map((s) => s.revision ?? NaN);
  if (revisions.some((r) => !Number.isFinite(r))) return { unread: `no store revision from ${seen.filter((s) => !Number.isFinite(s.revision ?? NaN)).map((s) => s.name).join(', ')}` };
  const revision = Math.max(...revisions);
  ctx.history.append({ kind: 'note', t: now(), message: `etcd cluster id before the first step: ${ids[0]}, store revision ${revision}` });
  return { id: ids[0] as string, revision };
}
