/**
 * A loaded, validated, defaults-filled scenario: what the runner and the
 * checks receive. Durations are milliseconds. The YAML form users write is
 * described in ../shared/design/architecture.md; the loader turns it into this.
 */
import type { Replication, SlaRequirement, Topology } from '../sla/types.js';
import type { AlertRequirement } from '../sla/alert-lines.js';
import type { EvidenceSpec } from './evidence.js';
import type { Requires } from './requires.js';

export type { Replication, Topology };

export interface ClusterSpec {
  replication: Replication;
  /** Any Patroni bootstrap.dcs key (ttl, loop_wait, retry_timeout, ...). */
  patroni: Record<string, unknown>;
  /** The distribution release the provider builds the cluster from (docker: bookworm | trixie | forky). */
  release?: string;
  /** What stands between the clients and PostgreSQL (sla/types.ts); absent: `minimal`. */
  topology?: Topology;
}

export interface WorkloadSpec {
  writers: number;
  /** Total target writes per second across writers; undefined = closed loop. */
  rate?: number;
  timeoutMs: number;
}

export interface ObserveSpec {
  intervalMs: number;
  /** Probe every member with a real write (not through HAProxy). */
  writeProbes: boolean;
}

export type WaitCondition = 'healthy' | 'writable' | 'converged' | 'leader' | 'new-leader' | 'etcd-healthy' | 'etcd-new-cluster';

/** Roles resolved when the step runs, or a member / etcd member name. */
export type Target = string;

/** A fault as written: the action, its target, and every other key as a parameter of the action. */
export interface FaultSpec { action: string; target: Target; params: Record<string, unknown> }

/**
 * Jepsen's combined nemesis as one step: for `durationMs`, faults drawn from
 * `faults` by a PRNG seeded with `seed`, each after a pause drawn from
 * [0, 2 × intervalMs), held for `holdMs`, healed, and the cluster given
 * `recoverTimeoutMs` to be healthy before the next one.
 */
export interface NemesisStep {
  kind: 'nemesis';
  seed: number;
  durationMs: number;
  intervalMs: number;
  holdMs: number;
  recoverTimeoutMs: number;
  faults: FaultSpec[];
}

export type Step =
  | { kind: 'sleep'; ms: number }
  | { kind: 'wait_for'; condition: WaitCondition; timeoutMs: number }
  | ({ kind: 'fault'; id: string } & FaultSpec)
  | { kind: 'heal'; id: string | 'all' }
  | NemesisStep
  | ExecStep;

/**
 * An operator's command, run inside a member's or an etcd member's container
 * as a runbook says (`docker exec email-patroni2 patronictl failover ...`).
 * `{scope}`, `{member}` (the container it runs in) and `{leader}` (the leader
 * key's holder when the step starts) are filled in when it runs. A string
 * command runs under `sh -c`; a list runs as it is.
 */
export interface ExecStep {
  kind: 'exec';
  on: Target;
  command: string | string[];
  timeoutMs: number;
  /** The exit code that means the command did what it should. */
  expectExit: number;
  /** What must be seen besides the exit code; absent: the exit code alone. */
  expect?: ExecExpect;
}

/**
 * An exit code is not proof that an operator's command acted: `patronictl
 * reinit` prints "Failed: ..." and exits 0 when Patroni answers 503.
 */
export interface ExecExpect {
  /** No line of the output (stdout or stderr) contains this text. */
  outputExcludes?: string;
  /** The member it ran in is re-created: a new data directory (PG_VERSION), the same system identifier. */
  memberRecreated?: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  tags: string[];
  /** Absolute path of the file it was loaded from, when it came from a file. */
  file?: string;
  cluster: ClusterSpec;
  workload: WorkloadSpec;
  observe: ObserveSpec;
  steps: Step[];
  sla: SlaRequirement[];
  /** `sla.alerts`: what documented alert rules must do in the run; absent when none is written. */
  alertSla?: AlertRequirement[];
  /** Component versions the scenario needs (`requires:`); absent when it runs on any. */
  requires?: Requires;
  /** Log lines that prove the set-up happened (`evidence:`); absent when the scenario needs none. */
  evidence?: EvidenceSpec[];
}

/** A suite: scenarios to run in order, each `iterations` times. */
export interface Suite {
  name: string;
  file: string;
  iterations: number;
  scenarios: Scenario[];
}

/** The scenario's topology, `minimal` when it names none. */
export function topologyOf(c: ClusterSpec): Topology {
  return c.topology ?? 'minimal';
}
