/**
 * Alert lines of the SLA vocabulary: what a documented alert rule must do
 * in a run, judged from what the run's Prometheus evaluated (checks/alert-lines.ts).
 *   sla: { alerts: { PostgresNoLeader: "fires within 90s", EtcdQuorumLost: "never fires" } }
 * "fires within D": firing, for the first time after the first fault, at most D after it.
 * "never fires": never firing from before the first step to the end of the run.
 */
import { parseDuration } from '../duration.js';

export type AlertExpectation = { kind: 'fires-within'; ms: number } | { kind: 'never-fires' };

export interface AlertRequirement {
  /** The documented rule's name (its `alert:`). */
  rule: string;
  expect: AlertExpectation;
  /** As written, e.g. "fires within 90s". */
  threshold: string;
  /** A line every run of its kind is held to, which the scenario did not write (no critical alert without a fault). */
  core?: boolean;
}

export const ALERT_LINE_HINT = 'expected "fires within <duration>" (e.g. "fires within 90s", from the first fault) or "never fires"';

export function parseAlertLine(text: string): AlertExpectation | { error: string } {
  const t = text.trim().replace(/\s+/g, ' ');
  if (/^never fires$/i.test(t)) return { kind: 'never-fires' };
  const m = /^fires within (.+)$/i.exec(t);
  if (m === null) return { error: ALERT_LINE_HINT };
  const ms = parseDuration(m[1]);
  if (typeof ms !== 'number') return { error: `${ALERT_LINE_HINT}: ${ms.error}` };
  if (ms <= 0) return { error: `${ALERT_LINE_HINT}: the duration must be above 0` };
  return { kind: 'fires-within', ms };
}
