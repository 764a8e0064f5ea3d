import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../checks/analyze.js';
import { leaderKey } from '../cluster/etcd-api.js';
import { withSql } from '../cluster/sql.js';
import type { ClusterProvider, StartedCluster } from '../cluster/types.js';
import { errorMessage, HarnessError } from '../errors.js';
import { now } from '../history/clock.js';
import { History, ofKind } from '../history/history.js';
import { DcsObserver } from '../observe/dcs-observer.js';
import { CREATE_PROBE_TABLE_SQL, MemberObserver } from '../observe/member-observer.js';
import type { RunRecord } from '../report/types.js';
import type { Scenario } from '../scenario/types.js';
import { CREATE_TABLE_SQL, Workload } from '../workload/workload.js';
import type { RunContext } from './context.js';
import { conditionProbe } from './conditions.js';
import { readFinalKeys } from './final-state.js';
import { Progress } from './progress.js';
import { describeStep, healAll, runStep } from './steps.js';
import { pollUntil } from '../cluster/wait/poll.js';

export interface RunScenarioOptions {
  /** Builds the provider for this scenario's cluster settings. */
  provider: (scenario: Scenario) => ClusterProvider;
  /** Folder for this run's report, history and logs. */
  dir: string;
  iteration: number;
  /** How long the final convergence may take when the scenario did not wait for it itself. */
  finalConvergeMs?: number;
}

/** Creates the workload tables through the write endpoint. */
async function prepareSchema(cluster: StartedCluster): Promise<void> {
  await withSql(cluster.endpoints.primary, cluster.credentials, async (c) => {
    await c.query(CREATE_TABLE_SQL);
    await c.query(CREATE_PROBE_TABLE_SQL);
  }, { timeoutMs: 10_000 });
}

/**
 * Runs one scenario end to end: start the cluster, start observers and the
 * workload, run the steps, then (whatever happened) heal every fault, stop
 * the workload, wait for convergence, read the final state, stop the
 * cluster, and judge the history.
 */
export async function runScenario(scenario: Scenario, o: RunScenarioOptions): Promise<RunRecord> {
  mkdirSync(o.dir, { recursive: true });
  const history = new History(join(o.dir, 'history.jsonl'));
  const startedAt = Date.now();
  let currentStep = 'starting cluster';
  const progress = new Progress(scenario.name, { step: () => currentStep, writes: () => ctx?.workload.stats ?? { ok: 0, fail: 0, info: 0 }, primary: () => ctx?.dcs.leader });
  let ctx: RunContext | undefined;
  let cluster: StartedCluster | undefined;
  let harnessError: { code: string; message: string } | undefined;
  const provider = o.provider(scenario);
  progress.start();
  try {
    cluster = await provider.start({ onProgress: (m) => progress.say(m) });
    progress.say(`cluster ${cluster.runId} healthy`);
    await prepareSchema(cluster);
    const nodeByPort = new Map(cluster.members.map((m) => [m.pg.port, m.name]));
    const c = cluster;
    const dcs = new DcsObserver(c.etcd.map((e) => e.clientUrl), leaderKey(c.topology.scope), scenario.observe.intervalMs, (e) => history.append(e));
    const run: RunContext = {
      scenario, cluster: c, history, dcs, progress, active: new Map(), leaderAtLastFault: undefined, lastOkStart: 0,
      workload: new Workload(scenario.workload, { endpoint: c.endpoints.primary, credentials: c.credentials, nodeByPort }, (e) => {
        history.append(e);
        if (e.outcome === 'ok') run.lastOkStart = Math.max(run.lastOkStart, e.start);
      }),
    };
    ctx = run;
    const observers = c.members.map((m) => new MemberObserver(m, c.credentials, scenario.observe.intervalMs, scenario.observe.writeProbes, (e) => history.append(e)));
    dcs.start();
    observers.forEach((ob) => ob.start());
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
      try {
        currentStep = 'final convergence';
        await finalConvergence(run, o.finalConvergeMs ?? 300_000);
        const final = await readFinalKeys(c);
        history.append({ kind: 'final-read', t: now(), node: final.node, keys: final.keys });
      } finally {
        await Promise.all([dcs.stop(), ...observers.map((ob) => ob.stop())]);
      }
    }
  } catch (err) {
    harnessError = { code: err instanceof HarnessError ? err.code : 'INTERNAL', message: errorMessage(err) };
    progress.say(`harness error: ${harnessError.message}`);
  } finally {
    progress.stop();
    await cluster?.stop();
    if (cluster) copyLogs(cluster, join(o.dir, 'logs'));
    await history.close();
  }
  const events = history.events;
  return {
    runId: cluster?.runId ?? 'not-started',
    scenario,
    iteration: o.iteration,
    provider: provider.name,
    versions: cluster?.versions ?? { postgres: null, patroni: null, etcd: null, haproxy: null },
    startedAt,
    endedAt: Date.now(),
    clusterConfig: clusterConfigOf(cluster, scenario),
    analysis: analyze(scenario, events),
    events,
    ...(harnessError ? { harnessError } : {}),
    ...(cluster ? { logsDir: 'logs' } : {}),
  };
}

/** After the last step: converged, unless the scenario's own last wait already saw it. */
async function finalConvergence(ctx: RunContext, timeoutMs: number): Promise<void> {
  const lastFault = ofKind(ctx.history.events, 'fault').at(-1);
  const lastConverged = ofKind(ctx.history.events, 'converged').findLast((e) => e.ok);
  if (lastConverged && (!lastFault || lastConverged.t >= lastFault.t)) return;
  try {
    await pollUntil(conditionProbe(ctx, 'converged'), { timeoutMs, what: 'final convergence', intervalMs: 250 });
  } catch (err) {
    ctx.history.append({ kind: 'note', t: now(), message: `cluster did not converge after the run: ${errorMessage(err)}` });
  }
}

function clusterConfigOf(cluster: StartedCluster | undefined, scenario: Scenario): RunRecord['clusterConfig'] {
  const dcs = cluster?.topology.dcs ?? scenario.cluster.patroni;
  return { ...dcs, ttl: Number(dcs['ttl'] ?? NaN), loop_wait: Number(dcs['loop_wait'] ?? NaN), retry_timeout: Number(dcs['retry_timeout'] ?? NaN), replication: scenario.cluster.replication };
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
