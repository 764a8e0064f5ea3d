import type { MetricName } from '../checks/sla-types.js';
import { formatCount, formatDuration, isoTime } from './format.js';
import { code, mdTable } from './md.js';
import type { RunRecord, Verdict } from './types.js';
import { runVerdict, verdictIcon, worstVerdict } from './verdict.js';

/** A run of a suite and its report folder, relative to the summary's folder. */
export interface SuiteRun {
  run: RunRecord;
  dir: string;
}

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
  runs: Array<{
    scenario: string;
    iteration: number;
    verdict: Verdict;
    dir: string;
    rto_ms: number | null;
    lost_writes: number | null;
    max_concurrent_primaries: number | null;
    failed_sla: MetricName[];
  }>;
  /** Per scenario, over its iterations. */
  stats: Record<string, { runs: number; pass: number; fail: number; error: number; rto_ms: Spread }>;
}

/** summary.json's content. The verdict is the worst of the runs (error > fail > pass). Pure. */
export function toSummaryJson(suite: string, runs: readonly SuiteRun[]): SummaryJson {
  const rows = runs.map(({ run, dir }) => ({
    scenario: run.scenario.name,
    iteration: run.iteration,
    verdict: runVerdict(run),
    dir,
    rto_ms: run.analysis.metrics.rto_ms,
    lost_writes: run.analysis.metrics.lost_writes,
    max_concurrent_primaries: run.analysis.metrics.max_concurrent_primaries,
    failed_sla: run.analysis.sla.filter((s) => !s.pass).map((s) => s.metric),
  }));
  const stats: SummaryJson['stats'] = {};
  for (const name of new Set(rows.map((r) => r.scenario))) {
    const mine = rows.filter((r) => r.scenario === name);
    const count = (v: Verdict): number => mine.filter((r) => r.verdict === v).length;
    stats[name] = { runs: mine.length, pass: count('pass'), fail: count('fail'), error: count('error'), rto_ms: spread(mine.map((r) => r.rto_ms)) };
  }
  const starts = runs.map((r) => r.run.startedAt);
  const ends = runs.map((r) => r.run.endedAt);
  return {
    suite,
    verdict: worstVerdict(rows.map((r) => r.verdict)),
    started_at: starts.length === 0 ? null : isoTime(Math.min(...starts)),
    ended_at: ends.length === 0 ? null : isoTime(Math.max(...ends)),
    runs: rows,
    stats,
  };
}

/** min/median/max of the measured values; unmeasured iterations (null) are left out. */
export function spread(values: ReadonlyArray<number | null>): Spread {
  const v = values.filter((n): n is number => n !== null).sort((a, b) => a - b);
  if (v.length === 0) return { min: null, median: null, max: null };
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? v[mid] : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
  return { min: v[0] ?? null, median: median ?? null, max: v.at(-1) ?? null };
}

export function toSummaryMarkdown(s: SummaryJson): string {
  const rows = s.runs.map((r) => [
    r.scenario, String(r.iteration), `${verdictIcon[r.verdict]} ${r.verdict}`, formatDuration(r.rto_ms),
    formatCount(r.lost_writes), formatCount(r.max_concurrent_primaries), r.failed_sla.join(', '), `[report](${encodeURI(r.dir)}/report.md)`,
  ]);
  const table = mdTable(['scenario', 'iteration', 'verdict', 'RTO', 'lost writes', 'max primaries', 'failed SLA', 'report'], rows, ['l', 'r', 'l', 'r', 'r', 'r', 'l', 'l']);
  return `# ${verdictIcon[s.verdict]} ${s.verdict.toUpperCase()}: suite ${code(s.suite)}\n\n${table}\n`;
}
