import { join, relative, sep } from 'node:path';
import { verdictOf } from '../checks/verdict.js';
import { judgeOverIterations } from '../checks/over-iterations.js';
import { runVerdict, verdictExitCode, worstVerdict } from '../report/verdict.js';
import { writeRunReport, writeSuiteSummary } from '../report/write.js';
import { toSummaryJson, type ScenarioVerdict, type SuiteRun, type SummaryJson } from '../report/summary.js';
import type { Verdict } from '../report/types.js';
import type { Suite } from '../scenario/types.js';
import { knownFindingsBeside } from '../scenario/load-known-findings.js';
import { applyKnownFindings, coverage, type KnownOutcome } from '../sla/known-findings.js';
import type { SlaResult } from '../sla/types.js';
import { runScenario } from '../runner/run-scenario.js';
import { formatDuration, formatMetric } from '../report/format.js';
import { providerEntry, providerFor, type ProviderChoice, type ProviderName } from './providers.js';
import { portBaseOf } from './parallel.js';
import { runPool } from './pool.js';
import { stopRequested } from './shutdown.js';
import { harnessVersion } from './components.js';
import { SHARD_FILE } from '../report/shard-json.js';
import { shardRecord, suiteUnits, unitKey, type Shard, type Side, type Unit } from './shard.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { toStderr, toStdout, writeJson } from './output.js';

export interface RunSuitesOptions {
  provider: ProviderName;
  iterations?: number;
  reportDir: string;
  keepCluster: boolean;
  portBase: number;
  toxiproxy?: string;
  clusterFile?: string;
  /** Known findings count as failures. */
  strict?: boolean;
  /** Where a suite's reports go; by default a folder named for the time and the suite under reportDir. */
  suiteDir?: (suite: Suite) => string;
  /** stdout gets one JSON document (RunJson) at the end; the verdict lines go to stderr with the progress. */
  json?: boolean;
  /** Run only this shard's units (see shard.ts); each suite folder then also gets shard.json. */
  shard?: { shard: Shard; keys: ReadonlySet<string>; side?: Side };
  /** At most this many runs at once, each on a cluster of its own (1, the default: one after another). */
  parallel?: number;
}

/** `run --json`: each suite's summary.json content, with its folder; run folders are relative to it. */
export interface RunJson {
  verdict: Verdict;
  exit_code: number;
  suites: Array<SummaryJson & { dir: string }>;
}

export const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

const lineText = (s: SlaResult) => `${s.metric}${s.stat ? ` (${s.stat})` : ''} ${s.observed === null ? 'not measured' : formatMetric(s.metric, s.observed)} vs ${s.threshold}`;

/** The console's line for what a known finding made of a run's line. */
export function knownLine(k: KnownOutcome): string {
  if (k.status === 'reproduced') return `    KNOWN FINDING reproduced: ${k.finding.metric} (${coverage(k.finding)}): ${k.finding.reason} (${k.finding.reference}); not counted (--strict counts it)\n`;
  if (k.status === 'exceeded') return `    KNOWN FINDING exceeded, counted: ${k.finding.metric}: ${k.note ?? ''} (${k.finding.reference})\n`;
  return `    known finding did not reproduce in this run: ${k.finding.metric} held (${k.finding.reference})\n`;
}

/** Runs every scenario of every suite on a fresh cluster each (at most `parallel` at once); returns the exit code of the CLI contract. */
export async function runSuites(suites: Suite[], o: RunSuitesOptions): Promise<number> {
  const parallel = o.parallel ?? 1;
  const how = providerEntry(o.provider, o.clusterFile).parallel;
  // One provider per slot of the pool: the local provider's slot k takes the k-th 100-port block from --port-base.
  const providers = Array.from({ length: parallel }, (_, slot) => providerFor(o.provider, { portBase: portBaseOf(how !== undefined && 'portBlock' in how ? how.portBlock : 0, o.portBase, slot), keepCluster: o.keepCluster, ...(o.toxiproxy ? { toxiproxy: o.toxiproxy } : {}), ...(o.clusterFile ? { clusterFile: o.clusterFile } : {}) }));
  const knownFindings = knownFindingsBeside(suites.flatMap((s) => s.scenarios.map((sc) => sc.file)));
  const verdicts: Verdict[] = [];
  const say = o.json ? toStderr : toStdout;
  const results: RunJson['suites'] = [];
  for (const suite of suites) {
    const suiteDir = o.suiteDir?.(suite) ?? join(o.reportDir, `${stamp()}-${suite.name}`);
    const iterations = o.iterations ?? suite.iterations;
    // A shard always writes the suite layout, so that its pieces merge into one.
    const single = o.shard === undefined && suite.scenarios.length === 1 && iterations === 1;
    const units = suiteUnits(suite, iterations, o.shard?.side ?? null);
    const todo = units.flatMap((unit) => {
      const scenario = suite.scenarios[unit.position - 1];
      return scenario === undefined || (o.shard !== undefined && !o.shard.keys.has(unitKey(unit))) ? [] : [{ unit, scenario, index: unit.position - 1, dir: single ? suiteDir : join(suiteDir, unit.dir) }];
    });
    const finished = new Map<Unit, SuiteRun>();
    const runs: SuiteRun[] = [];
    const scenarios: ScenarioVerdict[] = [];
    // A scenario's lines over its iterations once all of them are done, in the suite's order whatever order the runs end in.
    let judgedUpTo = 0;
    const judgeDone = () => {
      for (; judgedUpTo < suite.scenarios.length; judgedUpTo++) {
        const scenario = suite.scenarios[judgedUpTo] as Suite['scenarios'][number];
        const its = todo.filter((t) => t.index === judgedUpTo);
        if (its.some((t) => !finished.has(t.unit))) return;
        const mine = its.map((t) => finished.get(t.unit) as SuiteRun);
        if (mine.length === 0) continue;
        // A statistic over some of the iterations is not the scenario's: merge-reports judges it over all of them.
        const whole = mine.length === iterations;
        if (!whole) say(`    ${scenario.name}: ${mine.length} of ${iterations} iterations in this shard; its lines over the iterations are judged by merge-reports\n`);
        const overIterations = iterations > 1 && whole ? applyKnownFindings(judgeOverIterations(scenario, mine.map((r) => r.run.analysis)), scenario.name, mine[0]?.run.versions ?? { postgres: null, patroni: null, etcd: null, haproxy: null }, knownFindings, { strict: o.strict ?? false, ...(scenario.file === undefined ? {} : { scenarioFile: scenario.file }) }).sla : [];
        const verdict = worstVerdict([...mine.map((r) => runVerdict(r.run)), ...(overIterations.length > 0 ? [verdictOf(overIterations, [])] : [])]);
        for (const line of overIterations) say(`${line.status.toUpperCase()}  ${scenario.name} over ${iterations} iterations: ${lineText(line)} (${line.note ?? ''})\n`);
        scenarios.push({ scenario: scenario.name, verdict, sla_over_iterations: overIterations });
        verdicts.push(verdict);
        runs.push(...mine);
      }
    };
    // What the summary records: more slots than runs is no more runs at once.
    const atOnce = Math.max(1, Math.min(parallel, todo.length));
    const shared = atOnce > 1;
    // The pool's slots are 0..parallel-1: each has its provider.
    await runPool(todo, parallel, async ({ unit, scenario, dir }, slot) => {
      const it = unit.iteration;
      const label = `${unit.side === null ? '' : `${unit.side}/`}${unit.dir}`;
      process.stderr.write(`\n== ${shared ? `[${label}] ` : ''}${scenario.name}${iterations > 1 ? ` (iteration ${it}/${iterations})` : ''}: ${scenario.description.split('\n')[0]}\n`);
      const run = await runScenario(scenario, { provider: (providers[slot] as ProviderChoice).create, dir, iteration: it, deferStats: iterations > 1, knownFindings, strict: o.strict ?? false, ...(shared ? { progressLabel: label } : {}) });
      await writeRunReport(dir, run);
      finished.set(unit, { run, dir });
      const verdict = runVerdict(run);
      const m = run.analysis.metrics;
      const failed = run.analysis.sla.filter((s) => s.status === 'fail').map(lineText);
      say(`${verdict.toUpperCase()}  ${scenario.name}${iterations > 1 ? ` #${it}` : ''}  rto ${m.rto_ms === null ? '-' : formatDuration(m.rto_ms)}${m.recovery_ms === null || m.recovery_ms === undefined ? '' : `, recovery ${formatDuration(m.recovery_ms)}`}, lost ${m.lost_writes ?? '-'}, max primaries ${m.max_concurrent_primaries ?? '-'}${run.harnessError ? `  error: ${run.harnessError.message}` : failed.length ? `  violated: ${failed.join('; ')}` : ''}\n`);
      for (const k of run.analysis.known ?? []) say(knownLine(k));
      say(`    report: ${join(dir, 'report.md')}\n`);
      judgeDone();
    }, { stopped: stopRequested });
    // Stopped (Ctrl-C, SIGTERM): the runs that finished are not the suite. As the serial run, which the signal's exit
    // ended before any summary, write none (nor a shard record, nor --json) and exit as a run that could not run.
    if (stopRequested()) return verdictExitCode('error');
    judgeDone();
    const ran: Unit[] = todo.flatMap((t) => (finished.has(t.unit) ? [t.unit] : []));
    if (o.shard !== undefined) {
      await mkdir(suiteDir, { recursive: true });
      const record = shardRecord(suite, units, ran, o.shard.shard, { harnessVersion: harnessVersion(), provider: o.provider, iterations, strict: o.strict ?? false, findings: knownFindings });
      await writeFile(join(suiteDir, SHARD_FILE), `${JSON.stringify(record, null, 2)}\n`);
      say(`shard ${o.shard.shard.index}/${o.shard.shard.total} of suite ${suite.name}${o.shard.side ? ` (${o.shard.side})` : ''}: ${ran.length} of ${units.length} runs; merge-reports puts the shards together\n`);
    }
    if (!single && !(o.shard !== undefined && ran.length === 0)) {
      const paths = await writeSuiteSummary(suiteDir, suite.name, runs, scenarios, atOnce);
      say(`suite ${suite.name}: ${worstVerdict(scenarios.map((s) => s.verdict))}, summary ${paths.markdown ?? suiteDir}\n`);
    }
    const rel = runs.map((r) => ({ run: r.run, dir: relative(suiteDir, r.dir).split(sep).join('/') || '.' }));
    results.push({ ...toSummaryJson(suite.name, rel, scenarios, atOnce), dir: suiteDir });
    // Every report of the suite is written: the runs' write logs can go.
    for (const r of runs) r.run.release?.();
  }
  // Nothing run is nothing verified: the worst of no verdicts is an error. A shard with no runs verified nothing either, but
  // failed nothing: the gate is merge-reports' verdict over all the shards.
  const worst = o.shard !== undefined && verdicts.length === 0 ? 'pass' : worstVerdict(verdicts);
  const code = verdictExitCode(worst);
  if (o.json) writeJson({ verdict: worst, exit_code: code, suites: results } satisfies RunJson);
  return code;
}
