import type { MetricName, SlaResult } from '../sla/types.js';
import { formatCount, formatDuration, formatMetric, isoTime } from './format.js';
import { type DistributedMetric, type Distribution, distributionsOf } from './distributions.js';
import { distributionsSection, iterations } from './markdown-distributions.js';
import { SLA_STATUS } from './markdown-metrics.js';
import { code, mdTable } from './md.js';
import type { JudgedRun } from './judged-run.js';
import type { RunRecord, Verdict, WallTime } from './types.js';
import { runVerdict, verdictIcon, worstVerdict } from './verdict.js';

/** A run of a suite and its report folder, relative to the summary's folder. */
export interface SuiteRun<R extends JudgedRun = RunRecord> {
  run: R;
  dir: string;
}

/** A scenario's verdict over its iterations, with the lines judged on a statistic of them. */
export interface ScenarioVerdict {
  scenario: string;
  verdict: Verdict;
  sla_over_iterations: SlaResult[];
}

/** min/median/max; in summary.json the median is the nearest-rank p50 of `distributions.rto_ms`. */
export interface Spread {
  min: number | null;
  median: number | null;
  max: number | null;
}

export interface SummaryJson {
  suite: string;
  verdict: Verdict;
  started_at: string | null;
  ended_at: string | null;
  /**
   * At most this many of the suite's runs had a cluster at once on one
   * machine (run --parallel); 1 is one after another. A summary written
   * before the key existed was serial.
   */
  parallel: number;
  runs: Array<{
    scenario: string;
    iteration: number;
    verdict: Verdict;
    dir: string;
    rto_ms: number | null;
    lost_writes: number | null;
    max_concurrent_primaries: number | null;
    failed_sla: MetricName[];
    /** Lines excused as known findings in this run. */
    known_sla: MetricName[];
    /** Where the run's wall time went (start, scenario, convergence, teardown); null for runs recorded without it. */
    wall: WallTime | null;
  }>;
  /**
   * Per scenario, over its iterations: the verdict the exit code follows,
   * the lines judged on a statistic, and whether iterations disagreed.
   */
  stats: Record<string, {
    verdict: Verdict;
    runs: number; pass: number; fail: number; error: number;
    /** Some iterations passed and some failed: the iterations that failed are named. */
    flaky: boolean;
    failed_iterations: number[];
    /** Kept for readers of older summaries: `distributions.rto_ms` has the same figures and more. */
    rto_ms: Spread;
    /** min / p50 / p95 / max of each figure over the iterations, with the iterations that had none. */
    distributions: Record<DistributedMetric, Distribution>;
    sla_over_iterations: SlaResult[];
  }>;
}

/**
 * summary.json's content. The verdict is the worst of the scenarios' (error
 * > fail > pass), each of which is the worst of its iterations and of its
 * lines over the iterations; without scenario verdicts, the worst run. Pure.
 */
export function toSummaryJson(suite: string, runs: readonly SuiteRun<JudgedRun>[], scenarios: readonly ScenarioVerdict[] = [], parallel = 1): SummaryJson {
  const rows = runs.map(({ run, dir }) => ({
    scenario: run.scenario.name,
    iteration: run.iteration,
    verdict: runVerdict(run),
    dir,
    rto_ms: run.analysis.metrics.rto_ms,
    lost_writes: run.analysis.metrics.lost_writes,
    max_concurrent_primaries: run.analysis.metrics.max_concurrent_primaries,
    failed_sla: run.analysis.sla.filter((s) => s.status === 'fail').map((s) => s.metric),
    known_sla: run.analysis.sla.filter((s) => s.status === 'known').map((s) => s.metric),
    wall: run.wall ?? null,
  }));
  const stats: SummaryJson['stats'] = {};
  for (const name of new Set(rows.map((r) => r.scenario))) {
    const mine = rows.filter((r) => r.scenario === name);
    const count = (v: Verdict): number => mine.filter((r) => r.verdict === v).length;
    const given = scenarios.find((sv) => sv.scenario === name);
    const distributions = distributionsOf(runs.filter(({ run }) => run.scenario.name === name)
      .map(({ run }) => ({ iteration: run.iteration, verdict: runVerdict(run), metrics: run.analysis.metrics })));
    const rto = distributions.rto_ms;
    stats[name] = {
      verdict: given?.verdict ?? worstVerdict(mine.map((r) => r.verdict)),
      runs: mine.length, pass: count('pass'), fail: count('fail'), error: count('error'),
      flaky: count('pass') > 0 && count('fail') > 0,
      failed_iterations: mine.filter((r) => r.verdict === 'fail').map((r) => r.iteration),
      rto_ms: { min: rto.min, median: rto.p50, max: rto.max },
      distributions,
      sla_over_iterations: given?.sla_over_iterations ?? [],
    };
  }
  const starts = runs.map((r) => r.run.startedAt);
  const ends = runs.map((r) => r.run.endedAt);
  return {
    suite,
    verdict: worstVerdict(Object.values(stats).map((st) => st.verdict)),
    started_at: starts.length === 0 ? null : isoTime(Math.min(...starts)),
    ended_at: ends.length === 0 ? null : isoTime(Math.max(...ends)),
    parallel,
    runs: rows,
    stats,
  };
}

export function toSummaryMarkdown(s: SummaryJson): string {
  const rows = s.runs.map((r) => [
    r.scenario, String(r.iteration), `${verdictIcon[r.verdict]} ${r.verdict}`, formatDuration(r.rto_ms),
    formatCount(r.lost_writes), formatCount(r.max_concurrent_primaries), r.failed_sla.join(', '), r.known_sla.join(', '), `[report](${encodeURI(r.dir)}/report.md)`,
  ]);
  const table = mdTable(['scenario', 'iteration', 'verdict', 'RTO', 'lost writes', 'max primaries', 'failed SLA', 'known findings', 'report'], rows, ['l', 'r', 'l', 'r', 'r', 'r', 'l', 'l', 'l']);
  const sections = [`# ${verdictIcon[s.verdict]} ${s.verdict.toUpperCase()}: suite ${code(s.suite)}`, parallelNote(s.parallel), table, wallSection(s)];
  const per = Object.entries(s.stats).filter(([, st]) => st.runs > 1);
  if (per.length > 0) {
    sections.push(`## Over the iterations\n\n${mdTable(['scenario', 'verdict', 'passed', 'RTO min / median / max', 'flaky'], per.map(([name, st]) => [
      name, `${verdictIcon[st.verdict]} ${st.verdict}`, `${st.pass} of ${st.runs}`,
      `${formatDuration(st.rto_ms.min)} / ${formatDuration(st.rto_ms.median)} / ${formatDuration(st.rto_ms.max)}`,
      st.flaky ? `yes: ${iterations(st.failed_iterations)} failed` : 'no',
    ]), ['l', 'l', 'r', 'r', 'l'])}`);
    const stat = per.flatMap(([name, st]) => st.sla_over_iterations.map((l) => [name, `${l.metric} ${l.stat ?? ''} ${l.threshold}`, l.observed === null ? 'not measured' : formatMetric(l.metric, l.observed), SLA_STATUS[l.status], l.note ?? '']));
    if (stat.length > 0) sections.push(`## Lines judged on a statistic over the iterations\n\n${mdTable(['scenario', 'line', 'observed', 'status', 'iterations'], stat)}`);
    sections.push(distributionsSection(per.map(([name, st]) => [name, st.distributions] as const)));
  }
  return `${sections.filter((x) => x !== '').join('\n\n')}\n`;
}

/** Runs that shared the machine: their timings are not those of a serial run unless measured (docs/cli.md, --parallel). */
export function parallelNote(parallel: number | undefined): string {
  if (parallel === undefined || parallel <= 1) return '';
  return `> Ran with \`--parallel ${parallel}\`: up to ${parallel} clusters at once on one machine. Its timings are not comparable with a serial run's unless measured on that machine (bench/parallel.mjs).`;
}

const WALL_PARTS = ['start_ms', 'scenario_ms', 'convergence_ms', 'teardown_ms'] as const;

/** Where the suite's time went, per run and in total: what to shorten first. */
function wallSection(s: SummaryJson): string {
  const runs = s.runs.filter((r): r is typeof r & { wall: WallTime } => r.wall !== null);
  if (runs.length === 0) return '';
  const total = (w: WallTime) => WALL_PARTS.reduce((sum, k) => sum + (w[k] ?? 0), 0);
  const cell = (w: WallTime, k: (typeof WALL_PARTS)[number]) => (w[k] === undefined ? '-' : formatDuration(w[k]));
  const sums: WallTime = { start_ms: 0, scenario_ms: 0, convergence_ms: 0, teardown_ms: 0 };
  for (const r of runs) for (const k of WALL_PARTS) sums[k] = (sums[k] ?? 0) + (r.wall[k] ?? 0);
  const all = total(sums);
  const share = (k: (typeof WALL_PARTS)[number]) => `${formatDuration(sums[k] ?? 0)} (${all === 0 ? 0 : Math.round(((sums[k] ?? 0) / all) * 100)}%)`;
  const rows = runs.map((r) => [r.scenario, String(r.iteration), cell(r.wall, 'start_ms'), cell(r.wall, 'scenario_ms'), cell(r.wall, 'convergence_ms'), cell(r.wall, 'teardown_ms'), formatDuration(total(r.wall))]);
  rows.push(['**all runs**', '', share('start_ms'), share('scenario_ms'), share('convergence_ms'), share('teardown_ms'), formatDuration(all)]);
  return `## Where the time went\n\n${mdTable(['scenario', 'iteration', 'cluster start', 'scenario', 'final convergence', 'teardown', 'total'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r'])}`;
}
