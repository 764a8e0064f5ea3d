/**
 * The comparison for people: the console's table and comparison.md, with
 * the rule stated as it is applied (compare-rule.ts).
 */
import { textTable } from '../text-table.js';
import { evidenceRuns, type AlertRuleSide, type ChangeClass, type Distribution, type StatusCount } from './compare-rule.js';
import type { AlertRuleRow } from './compare-alerts.js';
import type { Comparison, FindingRow, MetricRow, ScenarioSide, SideSummary } from './compare.js';
import { formatDelta, formatMetric } from './format.js';
import { code, mdTable } from './md.js';

function distCell(metric: string, d: Distribution | null): string {
  if (d === null) return '—';
  if (d.measured === 1) return formatMetric(metric, d.median);
  return `${formatMetric(metric, d.median)} (${formatMetric(metric, d.min)}–${formatMetric(metric, d.max)}, n=${d.measured})`;
}

function statusCell(s: StatusCount | null): string {
  if (s === null) return '—';
  const parts = (['fail', 'known', 'unknown', 'pass'] as const).filter((k) => s[k] > 0).map((k) => (s.runs === 1 ? k : `${k} ${s[k]}`));
  return parts.join(', ');
}

/** A documented alert rule over a side's runs: `fired in 1 of 3 runs`, `did not fire in 3 runs`, `can never fire (no patroni_master)`. */
export function alertCell(s: AlertRuleSide): string {
  const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
  const some = (n: number) => (n === s.runs ? '' : ` in ${n} of ${runs(s.runs)}`);
  const parts = [
    // A rule that can never fire did not fire: saying both says nothing more.
    s.watched === 0 || (s.fired === 0 && s.cannot_fire > 0) ? '' : s.fired > 0 ? `fired in ${s.fired} of ${runs(s.watched)}` : `did not fire in ${runs(s.watched)}`,
    s.cannot_fire === 0 ? '' : `can never fire${some(s.cannot_fire)} (no ${s.missing.join(', ') || 'series it reads'})`,
    s.watched === 0 && s.cannot_fire === 0 && s.can_fire > 0 ? `can fire${some(s.can_fire)}${s.faulted === 0 ? ', no fault' : ''}` : '',
    s.no_data.length === 0 ? '' : `no alert data${some(s.runs - evidenceRuns(s))}`,
  ];
  return parts.filter((p) => p !== '').join(', ') || '—';
}

/** A scenario's verdict on a side and how many of its runs had it themselves: `fail (1 of 3 runs)`, not `fail (3 runs)`. */
export function verdictCell(s: ScenarioSide): string {
  if (s.verdict === null) return '—';
  const runs = `${s.runs} run${s.runs === 1 ? '' : 's'}`;
  // A line judged over the iterations (a p95) can fail a scenario none of whose runs failed alone.
  if (s.verdict_runs === 0) return `${s.verdict} (over ${runs}, in none alone)`;
  return `${s.verdict} (${s.runs === 1 ? runs : `${s.verdict_runs} of ${runs}`})`;
}

function sideLine(s: SideSummary): string {
  const versions = Object.entries(s.versions).map(([c, v]) => `${c} ${v.length === 0 ? '?' : v.join(' / ')}`).join(', ');
  const where = [s.providers.join(' / ') || '?', s.releases.length > 0 ? `release ${s.releases.join(' / ')}` : ''].filter((x) => x !== '').join(', ');
  return `${where}; ${versions}; ${s.scenarios} scenario${s.scenarios === 1 ? '' : 's'}, ${s.runs} run${s.runs === 1 ? '' : 's'}${s.parallel > 1 ? `, up to ${s.parallel} at once (--parallel)` : ''}`;
}

const icon: Record<ChangeClass, string> = { regressed: '❌', 'new finding': '❌', 'still failing': '❌', improved: '✅', 'fixed finding': '✅', same: '', unknown: '⚠️', 'not compared': '⚠️' };

/** The limit a time metric's after side was held to, where it decided the class. */
function bandNote(r: MetricRow): string {
  if (r.band === null) return '';
  const m = (v: number) => formatMetric(r.metric, v);
  if (r.class === 'regressed' && r.after !== null) return r.after.median > r.band.upper ? `limit ${m(r.band.upper)}` : `p90 limit ${m(r.band.tail)}`;
  if (r.class === 'improved') return `p90 below ${m(r.band.lower)}`;
  return '';
}

/** Metric rows that say something (both sides or one side measured), and every line that did not simply pass on both sides. */
function tableRows(c: Comparison): Array<{ scenario: string; what: string; before: string; after: string; change: string; cls: ChangeClass; note: string }> {
  const metric = (r: MetricRow) => ({
    scenario: r.scenario, what: r.metric, before: distCell(r.metric, r.before), after: distCell(r.metric, r.after), change: formatDelta(r.metric, r.change), cls: r.class,
    note: [r.indicative ? 'indicative' : '', r.note ?? '', bandNote(r)].filter((x) => x !== '').join('; '),
  });
  const allPass = (s: StatusCount | null) => s !== null && s.pass === s.runs;
  const finding = (r: FindingRow) => ({
    scenario: r.scenario, what: r.line === 'verdict' ? 'verdict' : `SLA ${r.line}${r.threshold === null ? '' : ` ${r.threshold}`}`,
    before: statusCell(r.before), after: statusCell(r.after), change: '', cls: r.class,
    note: [r.note ?? '', r.known ? `known finding: ${r.known.reference}` : ''].filter((x) => x !== '').join('; '),
  });
  // A rule the same on both sides that reads the same on both says nothing new (comparison.json keeps its row).
  const alert = (r: AlertRuleRow) => ({ scenario: r.scenario, what: `alert ${r.rule}`, before: alertCell(r.before), after: alertCell(r.after), change: '', cls: r.class, note: r.note ?? '' });
  return c.scenarios.flatMap((s) => [
    ...c.metrics.filter((r) => r.scenario === s.scenario).map(metric),
    ...c.findings.filter((r) => r.scenario === s.scenario && !(r.class === 'same' && allPass(r.before) && allPass(r.after))).map(finding),
    ...c.alert_rules.filter((r) => r.scenario === s.scenario && !(r.class === 'same' && alertCell(r.before) === alertCell(r.after))).map(alert),
  ]);
}

function outcome(c: Comparison): string {
  const indicative = (cls: ChangeClass) => c.metrics.filter((r) => r.indicative && r.class === cls).length;
  const counts = Object.entries(c.counts).filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}${k === 'regressed' && indicative(k) > 0 ? ` (${indicative(k)} indicative, not counted)` : ''}`).join(', ');
  const why = c.exit_code === 1 ? ' (a regression, or a finding new or still failing after)' : c.exit_code === 3 ? ` (incomplete: ${incompleteWhy(c)})` : '';
  return `${counts || 'nothing compared'}: exit ${c.exit_code}${why}`;
}

/** Why a comparison exits 3: a before side run could not judge, or rows the before side had evidence for and the after side has none. */
export function incompleteWhy(c: Pick<Comparison, 'incomplete' | 'findings' | 'alert_rules'>): string {
  const unknown = [
    ...c.findings.filter((r) => r.class === 'unknown').map((r) => `${r.scenario} ${r.line}`),
    ...c.alert_rules.filter((r) => r.class === 'unknown').map((r) => `${r.scenario} alert ${r.rule}`),
  ];
  return [
    c.incomplete.length > 0 ? `run could not judge the before side of ${c.incomplete.join(', ')}, verdict error` : '',
    unknown.length > 0 ? `no evidence after for what the before side showed (unknown, which run exits 3 for): ${unknown.join(', ')}` : '',
  ].filter((s) => s !== '').join('; ');
}

/** The first line when a side had a single run: the metric rows do not gate, and those that would have are named. */
function indicativeLine(c: Comparison): string | null {
  if (c.indicative === null) return null;
  const would = c.indicative.would_gate.map((r) => `${r.scenario} ${r.metric} (${r.class})`);
  return `Metric comparison indicative: one run on a side in ${c.indicative.scenarios.join(', ')}, so its metric rows do not decide the exit code `
    + `(give both sides --iterations 3 or more); SLA findings and verdicts still do. Would have gated: ${would.length === 0 ? 'none' : would.join(', ')}.`;
}

/** A note, not a gate: runs sharing a machine may time differently from runs alone, and nobody measured by how much. */
export function parallelLine(c: Pick<Comparison, 'before' | 'after'>): string | null {
  const [b, a] = [c.before.parallel, c.after.parallel];
  if (b === a) return null;
  const at = (n: number) => (n > 1 ? `up to ${n} runs at once` : 'one run at a time');
  return `The sides ran with different parallelism (before: ${at(b)}, after: ${at(a)}): their timings are not comparable unless measured on that machine (bench/parallel.mjs). This note does not change the exit code.`;
}

/** The console's view. */
export function comparisonText(c: Comparison): string {
  const indicative = indicativeLine(c);
  const parallel = parallelLine(c);
  const scenarios = textTable(['scenario', 'before', 'after', 'note'], c.scenarios.map((s) => [
    s.scenario, verdictCell(s.before), verdictCell(s.after), s.note ?? '',
  ]));
  const rows = textTable(['scenario', 'metric', 'before', 'after', 'change', 'class', 'note'], tableRows(c).map((r) => [r.scenario, r.what, r.before, r.after, r.change, r.cls, r.note]));
  return [...(indicative === null ? [] : [indicative, '']), ...(parallel === null ? [] : [parallel, '']), `before: ${c.before.dir}`, `  ${sideLine(c.before)}`, `after:  ${c.after.dir}`, `  ${sideLine(c.after)}`, '', scenarios, '', rows, '', outcome(c), '', `Rule: ${c.rule}`, ''].join('\n');
}

/** comparison.md. */
export function comparisonMarkdown(c: Comparison): string {
  const head = c.exit_code === 1 ? '❌ REGRESSION OR FAILING AFTER'
    : c.exit_code === 3 ? `⚠️ INCOMPLETE, ${c.incomplete.length > 0 ? 'THE BEFORE SIDE COULD NOT BE JUDGED' : 'NO EVIDENCE AFTER'}` : '✅ NO REGRESSION, NOTHING FAILING AFTER';
  const indicative = indicativeLine(c);
  const parallel = parallelLine(c);
  const sides = mdTable(['side', 'folder', 'ran on'], [['before', code(c.before.dir), sideLine(c.before)], ['after', code(c.after.dir), sideLine(c.after)]]);
  const scenarios = mdTable(['scenario', 'before', 'after', 'note'], c.scenarios.map((s) => [
    s.scenario, verdictCell(s.before), verdictCell(s.after), s.note ?? '',
  ]));
  const rows = mdTable(['scenario', 'metric', 'before', 'after', 'change', 'class', 'note'], tableRows(c).map((r) => [
    r.scenario, r.what, r.before, r.after, r.change, `${icon[r.cls]} ${r.cls}`.trim(), r.note,
  ]), ['l', 'l', 'r', 'r', 'r', 'l', 'l']);
  return `# ${head}: ${outcome(c)}\n\n${indicative === null ? '' : `> ⚠️ ${indicative}\n\n`}${parallel === null ? '' : `> ⚠️ ${parallel}\n\n`}${sides}\n\n## Scenarios\n\n${scenarios}\n\n## Per scenario and metric\n\n${rows}\n\n## The rule\n\n${c.rule}\n`;
}
