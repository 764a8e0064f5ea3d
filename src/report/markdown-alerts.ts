import type { AlertsReport } from '../alerts/report.js';
import { formatOffset } from './format.js';
import { code, mdTable } from './md.js';

/** report.md's "Documented alerts": the rules that can never fire first, with the series they miss. Pure. */
export function alertsSection(a: AlertsReport): string {
  const parts: string[] = [`_${capital(a.note)}._ ${scrapeLine(a)}`];
  if (a.error !== undefined) parts.push(`**${a.error}**`);
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
