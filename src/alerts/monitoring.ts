/**
 * The run's Prometheus as the runner sees it, whatever runs it (a process,
 * a container): where its API answers, what it loaded, and the notifications
 * the harness's receiver got. Providers that run one expose it as the
 * AlertMonitoring ability (cluster/types.ts); the runner reads it here.
 */
import { errorMessage } from '../errors.js';
import type { AlertEvaluationEvent } from '../history/events.js';
import { now } from '../history/clock.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { evaluating, evaluationEvent, readApi, type Readings } from './prometheus-read.js';
import type { Notification } from './webhook.js';

export interface MonitoringHandle {
  /** Prometheus's HTTP API, as the harness reaches it. */
  prometheusUrl: string;
  /** The documented rules it was given: name, file, severity label, the selectors of the expression as loaded. */
  rules: ReadonlyArray<{ name: string; file: string; severity: string | null; selectors?: readonly string[] }>;
  /** What was changed from the documents' rules to load them. */
  adapted: readonly string[];
  /** host:port of every target it was given (Patroni, etcd): each must be scraped before the first step. */
  targets?: readonly string[];
  /** Notifications the harness's receiver got from Alertmanager so far; absent when the run has no Alertmanager. */
  notifications?(): Notification[];
}

/**
 * A provider that could not run Prometheus says why (the run's report shows it; alert lines are unknown);
 * `notInstalled`: the machine has no Prometheus, so the run has none, as a provider without monitoring
 * (no default alert lines; a line the scenario writes stays unknown).
 */
export type Monitoring = MonitoringHandle | { missing: string; notInstalled?: true };

/** Whether the run has a Prometheus to wait for and read (or one that should have been there). */
export const runsPrometheus = (m: Monitoring): boolean => !('missing' in m && m.notInstalled === true);

/** How long, before the first step, Prometheus may take to have scraped every target and evaluated every group. */
export const READY_TIMEOUT_MS = 30_000;

/** Readiness before the first step, the reading at the end, and the history event made of them. Never throws. */
export class PrometheusWatch {
  #ready: Readings['ready'];

  constructor(private readonly m: Monitoring) {}

  async ready(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    if ('missing' in this.m) return;
    const m = this.m;
    // Polled here, not with cluster/wait: the alerts reach nothing of the cluster's (layering.test.ts).
    const deadline = Date.now() + timeoutMs;
    let why = 'not asked yet';
    for (;;) {
      try {
        const reading = await readApi(m.prometheusUrl);
        const ok = evaluating(reading, m.rules.map((r) => r.name), m.targets ?? []);
        if (ok === true) {
          this.#ready = { at: now(), reading };
          return;
        }
        why = ok;
      } catch (err) {
        why = errorMessage(err);
      }
      if (Date.now() >= deadline) break;
      await sleep(250);
    }
    this.#ready = { at: now(), why: `not within ${timeoutMs / 1000} s: ${why}` };
  }

  /** The event for the history; `sinceWallMs`: the run's start (wall clock), from which ALERTS is read. */
  async end(sinceWallMs: number): Promise<AlertEvaluationEvent> {
    if ('missing' in this.m) {
      return { kind: 'alert-evaluation', t: now(), evaluated: false, why: `no Prometheus in this run: ${this.m.missing}`, from: null, to: null, interval_ms: 0, rules: [], targets: [], adapted: [] };
    }
    const m = this.m;
    const end = await readApi(m.prometheusUrl, sinceWallMs, m.rules.flatMap((r) => r.selectors ?? [])).then((reading) => ({ reading }), (err: unknown) => ({ why: errorMessage(err) }));
    const notifications = m.notifications?.();
    return evaluationEvent({
      ...(this.#ready === undefined ? {} : { ready: this.#ready }), end, rules: m.rules, wallOffsetMs: Date.now() - now(), adapted: [...m.adapted],
      ...(notifications === undefined ? {} : { notifications }),
    });
  }
}
