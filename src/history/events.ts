/**
 * The history: the only contract between workload, observers, faults,
 * runner and checks (Jepsen's model). Every event is timestamped in epoch
 * milliseconds (fractional, from a monotonic clock anchored at
 * performance.timeOrigin) so events from different modules order correctly.
 */

/** Jepsen's outcomes: `fail` only when the write certainly did not happen. */
export type Outcome = 'ok' | 'fail' | 'info';

/** One workload write through the write endpoint (HAProxy primary port). */
export interface WriteEvent {
  kind: 'write';
  /** Unique key inserted by this operation. */
  key: number;
  writer: number;
  start: number;
  end: number;
  outcome: Outcome;
  /** Member that acknowledged the commit (ok writes only). */
  node?: string;
  /** Timeline of that member at commit (ok writes only). */
  timeline?: number;
  error?: string;
}

/**
 * One direct probe of a member, bypassing HAProxy. A field left out means
 * that view could not be read (timeout, refused): unknown, not false.
 */
export interface ProbeEvent {
  kind: 'probe';
  t: number;
  member: string;
  /** Patroni REST view: role from GET /patroni ("master"/"primary" → primary). */
  patroniRole?: 'primary' | 'replica' | 'other';
  patroniState?: string;
  /** PostgreSQL's view: pg_is_in_recovery(). */
  inRecovery?: boolean;
  /** Result of a real write probe, when the scenario asks for it. */
  writable?: boolean;
  timeline?: number;
  /**
   * WAL position in bytes: written (primary) or the furthest received or
   * replayed (replica), Patroni's own measure for failover candidates.
   */
  walPosition?: number;
  error?: string;
}

/** The DCS leader key as seen by the observer watching etcd. */
export interface DcsEvent {
  kind: 'dcs';
  t: number;
  /** Member name holding the leader key, or null when there is none. */
  leader: string | null;
}

export interface FaultEvent {
  kind: 'fault';
  t: number;
  phase: 'inject' | 'heal';
  /** Id shared by an inject and its heal. */
  id: string;
  action: string;
  /** The target as written in the scenario (role or name). */
  target: string;
  /** Members (or etcd members) the target resolved to when the step ran. */
  resolved: string[];
  detail?: string;
  error?: string;
}

export interface StepEvent {
  kind: 'step';
  t: number;
  index: number;
  /** Human-readable description, e.g. "fault kill primary". */
  step: string;
  phase: 'start' | 'end';
  ok?: boolean;
  error?: string;
}

/** State of one member when the runner checked convergence. */
export interface MemberSnapshot {
  name: string;
  role: string;
  state: string;
  timeline?: number;
  lagBytes?: number;
  /** Number of workload rows on this member. */
  rows?: number;
}

/** Emitted by the runner when `wait_for: converged` succeeds or times out. */
export interface ConvergedEvent {
  kind: 'converged';
  t: number;
  ok: boolean;
  members: MemberSnapshot[];
}

/** The final read of the workload table on the converged primary. */
export interface FinalReadEvent {
  kind: 'final-read';
  t: number;
  node: string;
  keys: number[];
}

/** Free-form annotation (e.g. the current primary at start), for the timeline. */
export interface NoteEvent {
  kind: 'note';
  t: number;
  message: string;
}

export type HistoryEvent =
  | WriteEvent
  | ProbeEvent
  | DcsEvent
  | FaultEvent
  | StepEvent
  | ConvergedEvent
  | FinalReadEvent
  | NoteEvent;

export type EventKind = HistoryEvent['kind'];
export type EventOf<K extends EventKind> = Extract<HistoryEvent, { kind: K }>;
