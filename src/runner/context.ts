import type { StartedCluster } from '../cluster/types.js';
import type { History } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { HarnessParts, LeaderView, WorkloadHandle } from './parts.js';
import type { Progress } from './progress.js';

export interface ActiveFault {
  id: string;
  action: string;
  target: string;
  resolved: string[];
  heal?: () => Promise<string | void>;
}

/** What the steps of one scenario run share. */
export interface RunContext {
  scenario: Scenario;
  cluster: StartedCluster;
  history: History;
  workload: WorkloadHandle;
  dcs: LeaderView;
  parts: HarnessParts;
  progress: Progress;
  /** Faults injected and not yet healed, by id. */
  active: Map<string, ActiveFault>;
  /** The DCS leader when the latest fault was injected, for `wait_for: new-leader`. */
  leaderAtLastFault: string | null | undefined;
  /**
   * Start (epoch ms) of the latest acknowledged write. `wait_for: writable`
   * needs a write that began after the step did: one in flight across a
   * crash may still be acknowledged by the dying primary.
   */
  lastOkStart: number;
  /**
   * The same by the member that acknowledged it: once the leader has moved,
   * `wait_for: writable` needs the new leader's ack, since a fenced old
   * primary may go on acknowledging for a while.
   */
  lastOkStartBy: Map<string, number>;
  /**
   * The etcd cluster id before the first step, for `wait_for: etcd-new-cluster`
   * (read only by scenarios that wait for it); why it could not be read otherwise.
   */
  etcdClusterAtStart?: { id: string } | { unread: string };
}
