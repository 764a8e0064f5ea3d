import type { HistoryEvent } from '../history/events.js';
import type { Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { Metrics, Validity } from './metrics.js';
import type { MetricName } from '../sla/types.js';

/**
 * What one check returns: the metrics it measured and whether its own
 * invariant held. `error` explains a `false` (which members, which keys);
 * for an 'unknown' it says why the check could not decide.
 */
export interface CheckOutput {
  metrics: Partial<Metrics>;
  valid: Validity;
  error?: string;
}

/** A pure function of the scenario and its history: no clock, no I/O. */
export type CheckFn = (scenario: Scenario, events: Events) => CheckOutput;

export interface Checker {
  name: string;
  /**
   * The scalar metrics this check produces, declared up front so that when
   * it throws, analyze still knows which SLA lines lost their measurement.
   */
  metrics: readonly MetricName[];
  check: CheckFn;
}
