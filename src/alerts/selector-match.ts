/**
 * Which scraped series a selector selects, as Prometheus would, and, when it
 * selects none, why: no target exports the name, or a matcher excludes every
 * series of the name (a label they lack, a value they never have).
 */
import type { Labels } from './exposition.js';
import type { Observed } from './observed.js';
import { matcherText, matchesValue, type Selector } from './promql.js';
import type { TargetKind } from './scrape.js';

/** `job` is the scrape configuration's, which the documents do not give: a selector on it cannot be decided. */
export const UNDECIDABLE_LABELS: Record<string, string> = {
  job: "`job` is set by Prometheus's scrape configuration, which the documents do not give",
};

/** Exporters the names' prefixes belong to, where no target of this topology runs them. */
const EXPORTERS: Array<[RegExp, string]> = [
  [/^pg_/, 'postgres_exporter'],
  [/^node_/, 'node_exporter'],
  [/^haproxy_/, "HAProxy's Prometheus exporter"],
  [/^pgbouncer_/, 'pgbouncer_exporter'],
];

/** Names a newer Patroni exports in place of an older one (measured: 3.0.2 exports both, 4.0.7 only the new). */
const RENAMED: Record<string, string> = { patroni_master: 'patroni_primary' };

/**
 * Which targets could hold a name's series: Patroni's and etcd's own
 * prefixes are theirs alone, an exporter this topology does not run is no
 * target's; anything else (go_, process_, up) may be on any. A target that
 * was not read leaves a missing series unsettled only if it could hold it.
 */
function owners(name: string | undefined): ReadonlySet<TargetKind> {
  if (name === undefined) return new Set(['patroni', 'etcd']);
  if (EXPORTERS.some(([re]) => re.test(name))) return new Set();
  if (name.startsWith('patroni_')) return new Set(['patroni']);
  if (name.startsWith('etcd_')) return new Set(['etcd']);
  return new Set(['patroni', 'etcd']);
}

const metricName = (sel: Selector): string | undefined => sel.matchers.find((m) => m.label === '__name__' && m.op === '=')?.value;

/** The targets not read that could hold the selector's series. */
export function unreadFor(sel: Selector, obs: Observed): Observed['unread'] {
  const kinds = owners(metricName(sel));
  return obs.unread.filter((u) => kinds.has(u.kind));
}

export function undecidable(sel: Selector): string | undefined {
  const m = sel.matchers.find((x) => UNDECIDABLE_LABELS[x.label] !== undefined);
  return m === undefined ? undefined : UNDECIDABLE_LABELS[m.label];
}

export function selectSeries(sel: Selector, series: readonly Labels[]): Labels[] {
  return series.filter((s) => sel.matchers.every((m) => matchesValue(m, s[m.label] ?? '')));
}

/** Why a selector selects nothing from what was seen, in words for the report. */
export function whyNoMatch(sel: Selector, obs: Observed): string {
  const name = metricName(sel);
  const hidden = unreadFor(sel, obs);
  const unread = hidden.length === 0 ? '' : `; not read, and could hold it: ${hidden.map((u) => `${u.kind} ${u.name} (${u.why})`).join(', ')}`;
  if (name === undefined) return `no scraped series matches ${sel.text}${unread}`;
  const ofName = obs.series.filter((s) => s['__name__'] === name);
  if (ofName.length === 0) return `no target exports ${name}${exporterHint(name, obs)}${unread}`;
  for (const m of sel.matchers) {
    if (m.label === '__name__') continue;
    if (ofName.some((s) => matchesValue(m, s[m.label] ?? ''))) continue;
    const values = [...new Set(ofName.flatMap((s) => (s[m.label] === undefined ? [] : [s[m.label] as string])))];
    if (values.length === 0) return `${m.label} absent: no ${name} series has a ${m.label} label (theirs: ${labelNames(ofName).join(', ')}), so ${matcherText(m)} excludes all ${ofName.length}${unread}`;
    return `${matcherText(m)} excludes every ${name} series: their ${m.label} is ${values.slice(0, 5).map((v) => JSON.stringify(v)).join(', ')}${values.length > 5 ? ', ...' : ''}${unread}`;
  }
  return `no ${name} series satisfies ${sel.matchers.filter((m) => m.label !== '__name__').map(matcherText).join(', ')} together${unread}`;
}

function exporterHint(name: string, obs: Observed): string {
  const exporter = EXPORTERS.find(([re]) => re.test(name))?.[1];
  if (exporter !== undefined) return ` (needs ${exporter}, not run by this topology)`;
  const renamed = RENAMED[name];
  if (renamed !== undefined && obs.series.some((s) => s['__name__'] === renamed)) return ` (the Patroni scraped exports ${renamed} in its place)`;
  return ` (${obs.read.patroni} Patroni and ${obs.read.etcd} etcd targets read)`;
}

function labelNames(series: readonly Labels[]): string[] {
  return [...new Set(series.flatMap((s) => Object.keys(s)))].filter((l) => l !== '__name__').sort();
}
