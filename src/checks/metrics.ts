import type { KnownOutcome } from '../sla/known-findings.js';
import type { MetricName, SlaResult } from '../sla/types.js';
import type { AlertLineResult } from './alert-lines.js';

/** Jepsen's three-valued validity: a checker that throws yields 'unknown', never a crash. */
export type Validity = true | false | 'unknown';

export interface LatencySummary {
  count: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

export interface FaultPhases {
  fault_id: string;
  action: string;
  /** Epoch ms of the injection. */
  injected_at: number;
  /** Inject → leader key gone or changed in etcd. */
  detection_ms: number | null;
  /** Detection → new leader reports pg_is_in_recovery() = false. */
  promotion_ms: number | null;
  /** Promotion → the ack that ends the RTO's recovery: the first write through HAProxy acknowledged by the leader the fault left. */
  reroute_ms: number | null;
  /**
   * The write outage the fault caused: the longer of inject → the first ack,
   * by the leader the fault left, of a write started once the fault was in
   * force, and the longest stretch without acks that began while it was in
   * force (see checks/outage.ts). Null when never recovered from.
   */
  rto_ms: number | null;
  old_leader: string | null;
  new_leader: string | null;
  /** Leader-key owner changes first seen from this injection to the next (leader-changes.ts); null when unknown. */
  leader_changes: number | null;
  /** What was observed to prove the fault acted (e.g. "PIDs 123 gone"); null when the history did not record it. */
  effect: string | null;
}

/** `metrics` in report.json. Every scalar is null when it could not be measured. */
export type Metrics = Record<MetricName, number | null> & {
  writes: { ok: number; fail: number; info: number; attempted: number };
  /** One entry per fault injection, in order; the top-level rto/phase metrics are the worst of them. */
  faults: FaultPhases[];
  latency: { before: LatencySummary; during: LatencySummary; after: LatencySummary };
  /** Keys behind the counts, capped, so that a report shows which writes. */
  samples: { lost: number[]; unexpected: number[]; recovered: number[]; ghost: number[] };
};

export interface CheckResult {
  name: string;
  valid: Validity;
  error?: string;
}

export interface Analysis {
  metrics: Metrics;
  checks: CheckResult[];
  sla: SlaResult[];
  /** The alert lines, judged from what the run's Prometheus evaluated (alert-lines.ts); empty when none applies. */
  alertSla?: AlertLineResult[];
  /** Known findings in range for this run: reproduced (excused) or absent. */
  known?: KnownOutcome[];
  verdict: 'pass' | 'fail' | 'error';
}
