import type { AlertsReport } from '../alerts/report.js';
import type { AlertLineResult } from '../checks/alert-lines.js';
import { formatDuration, formatOffset } from './format.js';
import { code, mdTable } from './md.js';

/** report.md's "Documented alerts": the rules that can never fire first, with the series they miss. Pure. */
export function alertsSection(a: AlertsReport): string {
  const parts: string[] = [`_${capital(a.note)}._ ${scrapeLine(a)}`];
  if (a.error !== undefined) parts.push(`**${a.error}**`);
  parts.push(evaluatedPart(a));
  const never = a.rules.filter((r) => r.can_fire === false);
  const unsure = a.rules.filter((r) => r.can_fire === null);
  const can = a.rules.filter((r) => r.can_fire === true);
  const missingCell = (r: AlertsReport['rules'][number]) => (r.missing.length === 0 ? r.reason : r.missing.map((m) => `${m.selector}: ${m.why}`).join('; '));
  if (never.length > 0) {
    parts.push(`**${never.length} of ${a.rules.length} rules can never fire** (the series they need are not exported):\n\n${mdTable(['rule', 'expression', 'missing series', 'source'], never.map((r) => [r.name, r.expr, missingCell(r), `${r.file}; ${r.source}`]))}`);
  }
  if (unsure.length > 0) parts.push(`**${unsure.length} could not be settled:**\n\n${mdTable(['rule', 'expression', 'why'], unsure.map((r) => [r.name, r.expr, r.reason]))}`);
  if (can.length > 0) parts.push(`**${can.length} can fire** (every series they need is exported; values are not judged): ${can.map((r) => code(r.name)).join(', ')}.`);
  // One line per adaptation, naming its rules: the scope is read the same way in most of them.
  const byText = new Map<string, string[]>();
  for (const r of a.rules) for (const x of r.adapted) byText.set(x, [...(byText.get(x) ?? []), r.name]);
  const adapted = [...byText].map(([text, names]) => `- ${text}: ${names.join(', ')}`);
  const files = a.rule_files.flatMap((f) => [
    ...(f.error === undefined ? [] : [`- ${f.file}: not read: ${f.error}`]),
    ...(f.loadable === false ? [`- ${f.file}: Prometheus would not load it as written${f.adapted.length > 0 ? `: ${f.adapted.join('; ')}` : ''}`] : []),
  ]);
  if (files.length + adapted.length > 0) parts.push(`Adapted to read them:\n\n${[...files, ...adapted].join('\n')}`);
  if (a.scrape.errors.length > 0) parts.push(`Scrape errors:\n\n${a.scrape.errors.map((e) => `- ${e.target} at ${formatOffset(e.at_ms)}: ${e.error}`).join('\n')}`);
  return parts.join('\n\n');
}

function scrapeLine(a: AlertsReport): string {
  const count = (kind: string) => a.scrape.targets.filter((t) => t.kind === kind && t.scraped).length;
  const of = (kind: string) => a.scrape.targets.filter((t) => t.kind === kind).length;
  const when = a.scrape.at_ms.map(formatOffset).join(' and ');
  return `The documents' Prometheus alert rules, read against the cluster's own /metrics (${count('patroni')} of ${of('patroni')} Patroni and ${count('etcd')} of ${of('etcd')} etcd targets read${when ? `, scraped at ${when}` : ''}; evaluator ${code(a.evaluator)}).`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const STATUS_ICON: Record<AlertLineResult['status'], string> = { pass: '✅ pass', fail: '❌ fail', unknown: '⚠️ unknown' };

/** report.md's "Alert lines": each line, how it came out and what was seen. Pure. */
export function alertLinesSection(lines: readonly AlertLineResult[]): string {
  const rows = lines.map((l) => [code(l.rule), `${l.threshold}${l.core === true ? ' (every run without a fault)' : ''}`, STATUS_ICON[l.status], l.observed_ms === null ? '—' : formatDuration(l.observed_ms), l.note]);
  return mdTable(['rule', 'line', 'status', 'observed', 'what was seen'], rows);
}

/** What the run's Prometheus evaluated: when each rule was pending and firing, and what the on-call was sent. */
function evaluatedPart(a: AlertsReport): string {
  const p = a.prometheus;
  if (p === null) return '**Not evaluated:** this run had no Prometheus; whether any rule fired is not known.';
  if (!p.evaluated) return `**Not evaluated:** ${p.why ?? 'the run\'s Prometheus did not evaluate the rules'}; whether any rule fired is not known.`;
  const stretch = (f: NonNullable<AlertsReport['rules'][number]['fired']>[number]) => `${f.state} ${formatOffset(f.from_ms)} → ${f.to_ms === null ? 'end' : formatOffset(f.to_ms)}`;
  const rows = a.rules.map((r) => [
    code(r.name), r.severity ?? '—', r.health ?? '—',
    r.fired === null ? 'not evaluated' : r.fired.length === 0 ? 'never active' : r.fired.map(stretch).join('; '),
    r.first_fired_after_fault_ms === null ? '—' : formatDuration(r.first_fired_after_fault_ms),
  ]);
  const lines = [
    `Evaluated by the run's Prometheus every ${formatDuration(p.interval_ms)} from ${p.from_ms === null ? '?' : formatOffset(p.from_ms)} to ${p.to_ms === null ? '?' : formatOffset(p.to_ms)} (times from the run's start):`,
    mdTable(['rule', 'severity', 'health', 'pending / firing', 'fired after the first fault'], rows),
  ];
  const down = p.targets.filter((t) => t.health !== 'up');
  if (down.length > 0) lines.push(`Targets not up at the end: ${down.map((t) => `${t.job} ${t.instance} (${t.health}${t.last_error === undefined ? '' : `: ${t.last_error}`})`).join('; ')}`);
  if (a.notifications !== null) {
    const sent = a.notifications.flatMap((n) => n.alerts.map((x) => `- ${formatOffset(n.at_ms)}: ${x.status} ${code(x.alertname)}${x.severity === null ? '' : ` (${x.severity})`}`));
    lines.push(sent.length === 0 ? 'Notifications to the on-call (Alertmanager -> webhook): none.' : `Notifications to the on-call (Alertmanager -> webhook):\n\n${sent.join('\n')}`);
  }
  if (p.adapted.length > 0) lines.push(`Loaded into Prometheus with these changes from the documents:\n\n${p.adapted.map((x) => `- ${x}`).join('\n')}`);
  return lines.join('\n\n');
}
