import type { FaultTargetKind } from '../scenario/catalog.js';
import type { Capability, StartedCluster } from '../cluster/types.js';

export type { Capability };

export interface Injected {
  /** Shown in the history and the report, e.g. the PIDs killed. */
  detail?: string;
  /**
   * The observation that proves the fault acted (a process gone, WAL stalled,
   * a container exited). A fault that cannot show one throws instead: a fault
   * that did nothing would let the run pass for the wrong reason.
   */
  effect?: string;
  /**
   * When the fault was in force (history clock), if `inject` went on to
   * observe its effect after that: the runner records it as the event's
   * `end`, so that the observation window does not count as injection time.
   */
  inForceAt?: number;
  /**
   * When the fault began to act, if `inject` first observed the cluster as it
   * was (the probes before a cut): the runner records it as the event's `t`,
   * from which RTO and detection run.
   */
  startedAt?: number;
  /** The cure, run by `heal` or by the runner's final heal; absent when nothing needs undoing. */
  heal?: () => Promise<string | void | Healed>;
}

/**
 * A cure that undid the fault but could not tell what the fault's proof
 * needs from it (where the clients went): `unknown` says what, and makes the
 * run unknown rather than a pass. A cure that saw the fault fail throws.
 */
export interface Healed {
  detail: string;
  unknown?: string;
}

/**
 * One fault, in one file, registered by name (Toxiproxy's toxic model).
 * `inject` may change the cluster's state; it receives the member or etcd
 * names the target resolved to when the step ran.
 */
export interface FaultDefinition {
  action: string;
  description: string;
  targets: readonly FaultTargetKind[];
  needs: readonly Capability[];
  params?: (params: Record<string, unknown>) => string | undefined;
  inject(cluster: StartedCluster, names: readonly string[], params: Record<string, unknown>): Promise<Injected>;
}
