import type { CheckResult, LatencySummary, Metrics } from '../checks/metrics.js';
import { coverage } from '../sla/known-findings.js';
import type { SlaResult } from '../sla/types.js';
import { formatCount, formatDuration, formatMetric } from './format.js';
import { mdTable } from './md.js';

/** How an SLA line's status reads, in a run's report and in a suite's summary alike. */
export const SLA_STATUS: Record<SlaResult['status'], string> = {
  pass: '✅ pass', fail: '❌ fail', unknown: '⚠️ unknown', known: '🟡 known finding', deferred: '⏳ judged over the iterations',
};

/** A known finding on its line: what it covers (its bound, its fault) or that it did not reproduce. */
function knownText(k: NonNullable<SlaResult['known']>): string {
  return `${k.reproduced ? `known finding (${coverage(k)})` : 'known finding did not reproduce in this run'}: ${k.reason} (${k.reference})`;
}

export function slaTable(sla: readonly SlaResult[]): string {
  if (sla.length === 0) return '_No SLA lines were checked._';
  const rows = sla.map((s) => [
    `${s.metric}${s.core ? ' (every run)' : ''}`,
    `${s.threshold}${s.stat ? ` (${s.stat})` : ''}`,
    s.observed === null ? 'not measured' : formatMetric(s.metric, s.observed),
    SLA_STATUS[s.status],
    [s.note, s.known && knownText(s.known), s.source && `source: ${s.source}`].filter(Boolean).join('; '),
  ]);
  return mdTable(['metric', 'threshold', 'observed', 'status', 'why'], rows, ['l', 'l', 'r', 'l', 'l']);
}

export function writesSection(m: Metrics): string {
  const counts = mdTable(['attempted', 'ok', 'fail', 'info (indeterminate)', 'longest gap between acks'], [[
    formatCount(m.writes.attempted), formatCount(m.writes.ok), formatCount(m.writes.fail), formatCount(m.writes.info),
    formatDuration(m.unavailability_ms),
  ]], ['r', 'r', 'r', 'r', 'r']);
  const latency = mdTable(['window', 'ok writes', 'p50', 'p95', 'p99', 'max'], [
    latencyRow('before the fault', m.latency.before),
    latencyRow('during', m.latency.during),
    latencyRow('after the heal', m.latency.after),
  ], ['l', 'r', 'r', 'r', 'r', 'r']);
  return `${counts}\n\nLatency of acknowledged writes:\n\n${latency}`;
}

function latencyRow(label: string, l: LatencySummary): string[] {
  return [label, formatCount(l.count), formatDuration(l.p50_ms), formatDuration(l.p95_ms), formatDuration(l.p99_ms), formatDuration(l.max_ms)];
}

const SAMPLES = {
  lost: { metric: 'lost_writes', label: 'lost (acknowledged, absent from the final read)' },
  unexpected: { metric: 'unexpected_writes', label: 'unexpected (present, never attempted)' },
  recovered: { metric: 'recovered_writes', label: 'recovered (indeterminate, turned out present)' },
  ghost: { metric: 'ghost_writes', label: 'ghost (reported failed, yet present)' },
} as const;

/** The keys behind the data-loss counts, or undefined when every list is empty. */
export function samplesSection(m: Metrics): string | undefined {
  const lines = (Object.keys(SAMPLES) as Array<keyof typeof SAMPLES>)
    .filter((k) => m.samples[k].length > 0)
    .map((k) => {
      const keys = m.samples[k];
      const total = m[SAMPLES[k].metric] ?? keys.length;
      const shown = total > keys.length ? ` (first ${keys.length} shown)` : '';
      return `- ${SAMPLES[k].label}: ${formatCount(total)}${shown}, keys ${keys.join(', ')}`;
    });
  return lines.length === 0 ? undefined : lines.join('\n');
}

export function checksTable(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '_No checks ran._';
  const mark = (v: CheckResult['valid']): string => (v === true ? '✅ valid' : v === false ? '❌ invalid' : '❔ unknown');
  return mdTable(['check', 'result', 'error'], checks.map((c) => [c.name, mark(c.valid), c.error ?? '']));
}
