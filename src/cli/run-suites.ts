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
import { providerFor, type ProviderName } from './providers.js';
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

/** Runs every scenario of every suite on a fresh cluster each; returns the exit code of the CLI contract. */
export async function runSuites(suites: Suite[], o: RunSuitesOptions): Promise<number> {
  const provider = providerFor(o.provider, { portBase: o.portBase, keepCluster: o.keepCluster, ...(o.toxiproxy ? { toxiproxy: o.toxiproxy } : {}), ...(o.clusterFile ? { clusterFile: o.clusterFile } : {}) });
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
    const ran: Unit[] = [];
    const runs: SuiteRun[] = [];
    const scenarios: ScenarioVerdict[] = [];
    for (const [i, scenario] of suite.scenarios.entries()) {
      const mine: SuiteRun[] = [];
      for (let it = 1; it <= iterations; it++) {
        const unit = units[i * iterations + it - 1];
        if (unit === undefined || (o.shard !== undefined && !o.shard.keys.has(unitKey(unit)))) continue;
        ran.push(unit);
        const dir = single ? suiteDir : join(suiteDir, unit.dir);
        process.stderr.write(`\n== ${scenario.name}${iterations > 1 ? ` (iteration ${it}/${iterations})` : ''}: ${scenario.description.split('\n')[0]}\n`);
        const run = await runScenario(scenario, { provider: provider.create, dir, iteration: it, deferStats: iterations > 1, knownFindings, strict: o.strict ?? false });
        await writeRunReport(dir, run);
        mine.push({ run, dir });
        const verdict = runVerdict(run);
        const m = run.analysis.metrics;
        const failed = run.analysis.sla.filter((s) => s.status === 'fail').map(lineText);
        say(`${verdict.toUpperCase()}  ${scenario.name}${iterations > 1 ? ` #${it}` : ''}  rto ${m.rto_ms === null ? '-' : formatDuration(m.rto_ms)}${m.recovery_ms === null || m.recovery_ms === undefined ? '' : `, recovery ${formatDuration(m.recovery_ms)}`}, lost ${m.lost_writes ?? '-'}, max primaries ${m.max_concurrent_primaries ?? '-'}${run.harnessError ? `  error: ${run.harnessError.message}` : failed.length ? `  violated: ${failed.join('; ')}` : ''}\n`);
        for (const k of run.analysis.known ?? []) say(knownLine(k));
        say(`    report: ${join(dir, 'report.md')}\n`);
      }
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
    if (o.shard !== undefined) {
      await mkdir(suiteDir, { recursive: true });
      const record = shardRecord(suite, units, ran, o.shard.shard, { harnessVersion: harnessVersion(), provider: o.provider, iterations, strict: o.strict ?? false, findings: knownFindings });
      await writeFile(join(suiteDir, SHARD_FILE), `${JSON.stringify(record, null, 2)}\n`);
      say(`shard ${o.shard.shard.index}/${o.shard.shard.total} of suite ${suite.name}${o.shard.side ? ` (${o.shard.side})` : ''}: ${ran.length} of ${units.length} runs; merge-reports puts the shards together\n`);
    }
    if (!single && !(o.shard !== undefined && ran.length === 0)) {
      const paths = await writeSuiteSummary(suiteDir, suite.name, runs, scenarios);
      say(`suite ${suite.name}: ${worstVerdict(scenarios.map((s) => s.verdict))}, summary ${paths.markdown ?? suiteDir}\n`);
    }
    const rel = runs.map((r) => ({ run: r.run, dir: relative(suiteDir, r.dir).split(sep).join('/') || '.' }));
    results.push({ ...toSummaryJson(suite.name, rel, scenarios), dir: suiteDir });
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
