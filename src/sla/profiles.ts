/**
 * The documented SLAs (../shared/design/slas.md), each threshold with its
 * source. Where the documents disagree, `seed-docs` holds the strictest
 * figure and the looser statements are named alternatives, so choosing the
 * loose number is always explicit in the scenario file.
 */
import type { MetricName, Replication } from './types.js';

export interface DocumentedFigure {
  threshold: string;
  source: string;
}

type ProfileTable = Partial<Record<MetricName, DocumentedFigure>>;

const strictest: ProfileTable = {
  rto_ms: { threshold: '< 30s', source: '002 "RTO < 30 seconds", "Total RTO 15-30s"; 003 "Failover Completion: <30s"' },
  detection_ms: { threshold: '< 10s', source: '003 "Failover Detection: <10s"; 002 detection time 5-10s' },
  promotion_ms: { threshold: '<= 10s', source: '002 failover times: election 2-5s + promotion 3-5s' },
  reroute_ms: { threshold: '<= 6s', source: '002 HAProxy: 3 failed checks x 2s' },
  no_leader_ms: { threshold: '< 30s', source: '000 critical alert: no leader > 30s' },
  max_concurrent_primaries: { threshold: '<= 1', source: '002 split-brain protection; 001 split-brain prevention' },
  split_brain_ms: { threshold: '== 0', source: '002 split-brain protection: never two writable primaries' },
  convergence_ms: { threshold: '< 5m', source: '004 "Verify recovery takes < 5 minutes"' },
  recovery_ms: { threshold: '< 5m', source: '004 "Verify recovery takes < 5 minutes" (a drill: the procedure and the recovery, timed)' },
  unavailability_ms: { threshold: '<= 5s', source: '002 planned switchover: ~2-5s downtime' },
  stale_leader_writes: { threshold: '== 0', source: '002 split-brain protection: an isolated primary demotes itself; 001 split-brain prevention' },
  lagging_promotions: { threshold: '== 0', source: '001 failover constraints: maximum_lag_on_failover 1048576, a replica lagging > 1 MB must not be promoted' },
  promotion_lag_bytes: { threshold: '<= 1MB', source: '001 failover constraints: maximum_lag_on_failover 1048576' },
  unexpected_writes: { threshold: '== 0', source: 'a key in the final state that no write attempted (Jepsen set checker)' },
  failed_steps: { threshold: '== 0', source: "the scenario's own steps: a wait_for that timed out, a heal that failed or an exec step whose command did not exit as expected" },
};

const byReplication: Record<Replication, ProfileTable> = {
  synchronous: {
    lost_writes: { threshold: '== 0', source: '002 "RPO: 0 seconds (synchronous replication)"' },
    rpo_ms: { threshold: '== 0', source: '002 "RPO: 0 seconds (synchronous replication)"' },
  },
  asynchronous: {
    rpo_ms: { threshold: '< 5s', source: '002 data loss "<5s (async)"' },
  },
};

/** Named looser statements of the same documents, for scenarios that opt in explicitly. */
const alternatives: Record<string, ProfileTable> = {
  'seed-docs-runbook': {
    rto_ms: { threshold: '<= 45s', source: '001 failover timeline "Total failover time: ~30-45 seconds" (ttl 30, loop_wait 10)' },
  },
  'seed-docs-ops': {
    rto_ms: { threshold: '<= 60s', source: '004 "within 30-60 seconds"' },
  },
};

export const DEFAULT_PROFILE = 'seed-docs';
export const PROFILE_NAMES = [DEFAULT_PROFILE, ...Object.keys(alternatives)];

/** The metrics a scenario is judged on when its file names no `sla`; RTO only where a fault can have one. */
export function defaultMetrics(replication: Replication, hasFault = true): MetricName[] {
  return [...(hasFault ? ['rto_ms' as const] : []), dataLossMetric(replication), 'max_concurrent_primaries'];
}

/** The documents' data-loss promise for a replication mode: none under sync, "< 5 s" under async (002). */
export function dataLossMetric(replication: Replication): MetricName {
  return replication === 'synchronous' ? 'lost_writes' : 'rpo_ms';
}

/**
 * The documented figure for a metric under a profile, or undefined when
 * the documents give none. An alternative profile falls back to the
 * strictest figure for the metrics it does not restate.
 */
export function documentedFigure(profile: string, metric: MetricName, replication: Replication): DocumentedFigure | undefined {
  if (profile !== DEFAULT_PROFILE && !(profile in alternatives)) return undefined;
  return alternatives[profile]?.[metric] ?? byReplication[replication][metric] ?? strictest[metric];
}
