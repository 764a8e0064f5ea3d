/**
 * The configuration of the run's Prometheus and Alertmanager, the same for
 * every provider: targets are addresses as Prometheus reaches them (the
 * provider's), everything else is the harness's. Scrapes and evaluations
 * every second, so that an alert's time is known to about a second.
 */
import { stringify } from 'yaml';

/** Scrape and evaluation interval: short enough to time a failover's alerts. */
export const EVALUATION_INTERVAL_MS = 1000;

export interface PrometheusTargets {
  /** host:port of every Patroni REST API (it serves /metrics). */
  patroni: readonly string[];
  /** host:port of every etcd client URL (it serves /metrics). */
  etcd: readonly string[];
  /** Rule files, as paths Prometheus reads. */
  ruleFiles: readonly string[];
  /** host:port of the Alertmanager, when the run has one. */
  alertmanager?: string;
}

const duration = (ms: number): string => `${Math.round(ms)}ms`;

export function prometheusConfig(t: PrometheusTargets): string {
  return stringify({
    global: {
      scrape_interval: duration(EVALUATION_INTERVAL_MS),
      // Under the interval: a target that does not answer within it is down for that scrape, not late.
      scrape_timeout: duration(EVALUATION_INTERVAL_MS * 0.8),
      evaluation_interval: duration(EVALUATION_INTERVAL_MS),
    },
    rule_files: [...t.ruleFiles],
    scrape_configs: [
      { job_name: 'patroni', static_configs: [{ targets: [...t.patroni] }] },
      { job_name: 'etcd', static_configs: [{ targets: [...t.etcd] }] },
    ],
    ...(t.alertmanager === undefined ? {} : { alerting: { alertmanagers: [{ static_configs: [{ targets: [t.alertmanager] }] }] } }),
  }, { lineWidth: 0 });
}

/**
 * One route to the harness's webhook receiver, grouped by rule and
 * notified at once (group_wait 0s): the receiver records what an on-call
 * would be sent, and when, not Alertmanager's batching of a real rota.
 * Resolved notifications too (send_resolved), so the page's end is seen.
 */
export function alertmanagerConfig(webhookUrl: string): string {
  return stringify({
    route: { receiver: 'harness', group_by: ['alertname'], group_wait: '0s', group_interval: '1s', repeat_interval: '24h' },
    receivers: [{ name: 'harness', webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
  }, { lineWidth: 0 });
}
