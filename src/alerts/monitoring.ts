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
import { EVALUATION_INTERVAL_MS } from './prom-config.js';
import { evaluatedUntil, evaluating, evaluationEvent, readApi, type Readings, type WatchedRule } from './prometheus-read.js';
import type { Notification } from './webhook.js';

export interface MonitoringHandle {
  /** Prometheus's HTTP API, as the harness reaches it. */
  prometheusUrl: string;
  /** The documented rules it was given: name, file, severity label, the selectors of the expression as loaded (and which are pooled). */
  rules: readonly WatchedRule[];
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

/** How long, at the end, Prometheus may take to evaluate every group past the judged span: a few intervals. */
export const END_WAIT_MS = EVALUATION_INTERVAL_MS * 3;

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

  /**
   * The event for the history; `sinceWallMs`: the run's start (wall clock), from which ALERTS is read;
   * `untilMs`: the end of the judged span (history clock), which the reading must cover.
   */
  async end(sinceWallMs: number, untilMs?: number, waitMs = END_WAIT_MS): Promise<AlertEvaluationEvent> {
    if ('missing' in this.m) {
      return { kind: 'alert-evaluation', t: now(), evaluated: false, why: `no Prometheus in this run: ${this.m.missing}`, from: null, to: null, interval_ms: 0, rules: [], targets: [], adapted: [] };
    }
    const m = this.m;
    // One conversion for the wait and the event: what is waited for is what the lines are judged on.
    const wallOffsetMs = Date.now() - now();
    if (untilMs !== undefined) await this.#evaluatedUntil(untilMs + wallOffsetMs, waitMs);
    const end = await readApi(m.prometheusUrl, sinceWallMs, m.rules.flatMap((r) => r.selectors ?? [])).then((reading) => ({ reading }), (err: unknown) => ({ why: errorMessage(err) }));
    const notifications = m.notifications?.();
    return evaluationEvent({
      ...(this.#ready === undefined ? {} : { ready: this.#ready }), end, rules: m.rules, wallOffsetMs, adapted: [...m.adapted],
      ...(notifications === undefined ? {} : { notifications }),
    });
  }

  /**
   * Until every rule group was evaluated at or after `untilWallMs`, for at most `waitMs`: a run read right after
   * its last step would otherwise end a fraction of an interval past Prometheus's last evaluation, and every
   * never-fires line be unknown. When none comes, the reading goes on: the lines say how far it fell short.
   */
  async #evaluatedUntil(untilWallMs: number, waitMs: number): Promise<void> {
    if ('missing' in this.m) return;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const groups = await readApi(this.m.prometheusUrl).then((r) => r.groups, () => []);
      if (evaluatedUntil(groups, untilWallMs) === true || Date.now() >= deadline) return;
      await sleep(Math.min(EVALUATION_INTERVAL_MS / 4, Math.max(0, deadline - Date.now())));
    }
  }
}
