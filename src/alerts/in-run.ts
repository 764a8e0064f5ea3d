/**
 * The scrapes a run takes for the alert report: once the cluster is healthy,
 * before the first step, and once at the end, after the final read (a series
 * seen in either existed). Never fails the run: a target that does not
 * answer is recorded, and so is an error in the report itself.
 */
import { errorMessage } from '../errors.js';
import { now } from '../history/clock.js';
import { alertsReport, ALERTS_NOTE, loadDocumentedRules, type AlertsReport } from './report.js';
import type { AlertEvaluationEvent } from '../history/events.js';
import { targetsOf, type Scrape, type ScrapeEndpoints } from './scrape.js';

export type ScrapeFn<C extends ScrapeEndpoints> = (c: C) => Promise<Scrape>;

export class AlertScrapes<C extends ScrapeEndpoints> {
  readonly #scrapes: Scrape[] = [];

  /** Without a scrape function (the fake provider's parts) there is nothing to report. */
  constructor(private readonly scrape: ScrapeFn<C> | undefined) {}

  async take(c: C): Promise<void> {
    if (this.scrape === undefined) return;
    const at = now();
    this.#scrapes.push(await this.scrape(c).catch((err: unknown): Scrape => ({ at, targets: targetsOf(c).map((t) => ({ ...t, ok: false, error: errorMessage(err) })) })));
  }

  /** undefined when no scrape was taken (the cluster never became healthy, or nothing can scrape it). */
  report(scope: string | undefined, startedAt: number, prometheus: { evaluation?: AlertEvaluationEvent; firstFaultAt?: number } = {}): AlertsReport | undefined {
    if (this.scrape === undefined || scope === undefined || this.#scrapes.length === 0) return undefined;
    try {
      return alertsReport({ files: loadDocumentedRules(), scrapes: this.#scrapes, scope, startedAt, ...prometheus });
    } catch (err) {
      return {
        judged: false, note: ALERTS_NOTE, evaluator: 'none', rule_files: [], scrape: { at_ms: [], targets: [], errors: [] }, rules: [],
        evaluated_by: null, prometheus: null, notifications: null, error: `the alert report could not be made: ${errorMessage(err)}`,
      };
    }
  }
}
