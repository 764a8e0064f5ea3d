import type { StartedCluster } from '../cluster/types.js';
import type { Injected } from '../faults/index.js';
import type { AckLedger } from './acks.js';
import type { History } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { HarnessParts, LeaderView, WorkloadHandle } from './parts.js';
import type { Progress } from './progress.js';

export interface ActiveFault {
  id: string;
  action: string;
  target: string;
  resolved: string[];
  heal?: Injected['heal'];
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
  /** The workload's acknowledgements so far, for `wait_for: writable`. */
  acks: AckLedger;
  /**
   * The etcd cluster id and the highest store revision before the first step, for `wait_for: etcd-new-cluster`
   * (read only by scenarios that wait for it); why it could not be read otherwise.
   */
  etcdClusterAtStart?: { id: string; revision: number } | { unread: string };
}
