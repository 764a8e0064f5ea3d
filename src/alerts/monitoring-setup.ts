/**
 * Everything a provider writes for the run's Prometheus and Alertmanager,
 * from the documented rule files and the addresses Prometheus reaches the
 * targets at: the providers differ only in where these go and how the
 * processes run.
 */
import { errorMessage } from '../errors.js';
import { alertmanagerConfig, prometheusConfig } from './prom-config.js';
import { adaptScopeText, renderRuleFiles } from './prom-rules.js';
import { pooledSelectors } from './pooled.js';
import { parsePromql } from './promql.js';
import { loadDocumentedRules } from './report.js';
import type { MonitoringHandle } from './monitoring.js';

export interface MonitoringFiles {
  prometheusYml: string;
  /** Rule files by name, to be put in `rulesDir`. */
  ruleFiles: Array<{ name: string; text: string }>;
  /** alertmanager.yml; absent without a webhook URL. */
  alertmanagerYml?: string;
  rules: MonitoringHandle['rules'];
  adapted: string[];
  /** Every scrape target, host:port as Prometheus reaches it. */
  targets: string[];
}

export function monitoringFiles(o: { scope: string; patroni: readonly string[]; etcd: readonly string[]; rulesDir: string; alertmanager?: string; webhookUrl?: string }): MonitoringFiles {
  const loads = loadDocumentedRules();
  const files = loads.flatMap((f) => ('file' in f ? [f.file] : []));
  const unread = loads.flatMap((f) => ('error' in f ? [`${f.label} not loaded: ${errorMessage(f.error)}`] : []));
  const rendered = renderRuleFiles(files, o.scope);
  const dir = o.rulesDir.replace(/\/+$/, '');
  return {
    prometheusYml: prometheusConfig({ patroni: o.patroni, etcd: o.etcd, ruleFiles: rendered.files.map((f) => `${dir}/${f.name}`), ...(o.alertmanager === undefined ? {} : { alertmanager: o.alertmanager }) }),
    ruleFiles: rendered.files.map(({ name, text }) => ({ name, text })),
    ...(o.webhookUrl === undefined ? {} : { alertmanagerYml: alertmanagerConfig(o.webhookUrl) }),
    rules: files.flatMap((f) => f.rules.map((r) => ({ name: r.name, file: f.file, severity: r.labels['severity'] ?? null, ...selectorsAsLoaded(r.expr, o.scope) }))),
    adapted: [...unread, ...rendered.adapted],
    targets: [...o.patroni, ...o.etcd],
  };
}

/**
 * The selectors of a rule's expression as Prometheus loads it (scope adapted), and those it aggregates `instance`
 * away over; none when it does not parse (Prometheus refuses it: health says so).
 */
function selectorsAsLoaded(expr: string, scope: string): { selectors: string[]; pooled: string[] } {
  const parsed = parsePromql(adaptScopeText(expr, scope).expr);
  return parsed.ok ? { selectors: parsed.selectors.map((s) => s.text), pooled: pooledSelectors(parsed.expr) } : { selectors: [], pooled: [] };
}
