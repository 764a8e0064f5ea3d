import type { ReportJson } from './json.js';
import { formatDelta, formatMetric } from './format.js';
import { readReports } from './read-reports.js';
import { spread } from './summary.js';
import type { Verdict } from './types.js';
import { verdictIcon, worstVerdict } from './verdict.js';

/** The figures that decide an upgrade, in the order they are read. */
export const COMPARED_METRICS = {
  rto_ms: (r) => r.metrics.rto_ms,
  detection_ms: (r) => r.metrics.detection_ms,
  promotion_ms: (r) => r.metrics.promotion_ms,
  reroute_ms: (r) => r.metrics.reroute_ms,
  unavailability_ms: (r) => r.metrics.unavailability_ms,
  lost_writes: (r) => r.metrics.lost_writes,
  max_concurrent_primaries: (r) => r.metrics.max_concurrent_primaries,
  convergence_ms: (r) => r.metrics.convergence_ms,
  p99_during_ms: (r) => r.metrics.latency?.during?.p99_ms,
} satisfies Record<string, (r: ReportJson) => number | null | undefined>;
export type ComparedMetric = keyof typeof COMPARED_METRICS;

export interface CompareRow {
  scenario: string;
  metric: ComparedMetric;
  /** Median over the folder's iterations of the scenario; null when unmeasured or absent. */
  a: number | null;
  b: number | null;
  /** b − a. */
  delta: number | null;
}

export interface CompareVerdict {
  scenario: string;
  a: Verdict | null;
  b: Verdict | null;
  runsA: number;
  runsB: number;
}

export interface Comparison {
  rows: CompareRow[];
  verdicts: CompareVerdict[];
  text: string;
}

/**
 * Reads two report folders (a run's or a suite's) and sets their key
 * metrics side by side per scenario. Several iterations of a scenario
 * compare by their median; the verdict is the worst. Throws
 * ReportFolderError when a folder holds no report.
 */
export function compareReports(dirA: string, dirB: string): Comparison {
  const a = byScenario(readReports(dirA));
  const b = byScenario(readReports(dirB));
  const names = [...new Set([...a.keys(), ...b.keys()])];
  const rows: CompareRow[] = [];
  const verdicts: CompareVerdict[] = [];
  for (const scenario of names) {
    const ra = a.get(scenario) ?? [];
    const rb = b.get(scenario) ?? [];
    verdicts.push({ scenario, a: ra.length ? worstVerdict(ra.map((r) => r.verdict)) : null, b: rb.length ? worstVerdict(rb.map((r) => r.verdict)) : null, runsA: ra.length, runsB: rb.length });
    for (const metric of Object.keys(COMPARED_METRICS) as ComparedMetric[]) {
      const va = median(ra, metric);
      const vb = median(rb, metric);
      rows.push({ scenario, metric, a: va, b: vb, delta: va === null || vb === null ? null : vb - va });
    }
  }
  return { rows, verdicts, text: renderComparison(dirA, dirB, rows, verdicts) };
}

function byScenario(reports: readonly ReportJson[]): Map<string, ReportJson[]> {
  const out = new Map<string, ReportJson[]>();
  for (const r of reports) out.set(r.scenario.name, [...(out.get(r.scenario.name) ?? []), r]);
  return out;
}

function median(reports: readonly ReportJson[], metric: ComparedMetric): number | null {
  return spread(reports.map((r) => COMPARED_METRICS[metric](r) ?? null)).median;
}

export function renderComparison(dirA: string, dirB: string, rows: readonly CompareRow[], verdicts: readonly CompareVerdict[]): string {
  const verdict = (v: Verdict | null, n: number): string => (v === null ? 'absent' : `${verdictIcon[v]} ${v} (${n} run${n === 1 ? '' : 's'})`);
  const lines = [`A: ${dirA}`, `B: ${dirB}`];
  for (const v of verdicts) {
    lines.push('', `${v.scenario}: A ${verdict(v.a, v.runsA)} · B ${verdict(v.b, v.runsB)}`);
    const table = [['metric', 'A', 'B', 'delta'], ...rows.filter((r) => r.scenario === v.scenario)
      .map((r) => [r.metric, formatMetric(r.metric, r.a), formatMetric(r.metric, r.b), formatDelta(r.metric, r.delta)])];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
    for (const row of table) lines.push(`  ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`);
  }
  return `${lines.join('\n')}\n`;
}
