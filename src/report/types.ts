import type { AlertsReport } from '../alerts/report.js';
import type { DcsInForce } from '../cluster/types.js';
import type { Events } from '../history/history.js';
/**
 * What a report is made from. The runner assembles one RunRecord per
 * scenario iteration; every report format is a pure function of it, so a
 * report can be rebuilt later from a saved history and analysis.
 */
import type { Analysis } from '../checks/metrics.js';
import type { HistoryEvent } from '../history/events.js';
import type { Versions } from '../cluster/types.js';
import type { Scenario } from '../scenario/types.js';

export type Verdict = 'pass' | 'fail' | 'error';

/** Component versions, as the provider read them from the binaries. */
export type { Versions };

/** The effective Patroni bootstrap.dcs settings, plus the replication mode. */
export interface ClusterConfig {
  ttl: number;
  loop_wait: number;
  retry_timeout: number;
  replication: string;
  /** Set when the cluster booted with other Patroni settings: when the scenario's were seen in force on every member. */
  in_force?: DcsInForce;
  /** docker: the Debian packages the images hold, exact (`dpkg-query` in the containers), e.g. patroni: 4.1.5-2. */
  packages?: Record<string, string>;
  [key: string]: unknown;
}

export interface HarnessError {
  /** Stable code of the harness error class, e.g. "PORT_IN_USE". */
  code: string;
  message: string;
}

export interface RunRecord {
  runId: string;
  scenario: Scenario;
  /** 1-based iteration of this scenario within the run. */
  iteration: number;
  provider: string;
  versions: Versions;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  clusterConfig: ClusterConfig;
  analysis: Analysis;
  events: Events;
  /** Frees what holds the history's writes (an unlinked file on disk) once nothing reads `events` any more. */
  release?: () => void;
  /** Set when the harness or the cluster could not run: the verdict is then 'error'. */
  harnessError?: HarnessError;
  /** Logs folder, relative to the report folder. */
  logsDir?: string;
  /** Where the run's wall time went; a part that never began is absent. */
  wall?: WallTime;
  /** The documented alert rules against the cluster's own /metrics (reported, not judged); absent when nothing was scraped. */
  alerts?: AlertsReport;
}

/** A run's wall time, in parts: starting the cluster, the steps (with their heals), the final convergence and read, the teardown. */
export interface WallTime {
  start_ms: number;
  scenario_ms?: number;
  convergence_ms?: number;
  teardown_ms?: number;
}
