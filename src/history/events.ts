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
  /** Timeline of that member at commit (ok writes only); also when the workload could not name the member. */
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
  /** When the probe's answers were in (epoch ms): a write probe was acknowledged within [t, end]. */
  end?: number;
  error?: string;
}

/**
 * One linearizable read of the DCS leader key (etcd's default range read):
 * the key held this value at some instant within [t, end].
 */
export interface DcsEvent {
  kind: 'dcs';
  /** When the read was sent. */
  t: number;
  /** When its answer arrived; absent in histories that did not record it. */
  end?: number;
  /** Member name holding the leader key, or null when there is none. */
  leader: string | null;
  /**
   * The key's mod_revision (0 when absent). Two reads with the same
   * revision prove the key was not written between them.
   */
  revision?: number;
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
  /**
   * When the injection returned: from then on the fault is in force. `t` is
   * when it began; a container kill or an iptables rule takes a moment, and
   * writes the old primary acknowledged meanwhile are not a recovery.
   */
  end?: number;
  detail?: string;
  /** inject: what was observed to prove the fault acted (absent in histories that did not record it). */
  effect?: string;
  /**
   * inject of a role target (primary, replica, sync-standby): who held the role when the fault first acted
   * and right after, read again from /cluster. A fault that acted on a member without the role has `error`.
   */
  roleAtAct?: string;
  /**
   * What the fault's own proof could not tell (whether its target held the role when it acted, where the
   * clients went at its heal), as a sentence naming the step or the heal: the run is then unknown, never a pass.
   */
  unknown?: string;
  error?: string;
}

export interface StepEvent {
  kind: 'step';
  t: number;
  index: number;
  /** Human-readable description, e.g. "fault kill primary". */
  step: string;
  phase: 'start' | 'end';
  /** The step's kind (fault, exec, wait_for...); absent in histories that did not record it. */
  type?: 'sleep' | 'wait_for' | 'fault' | 'heal' | 'nemesis' | 'exec';
  /** exec: the containers the command ran in. */
  resolved?: string[];
  /** exec: the exit code and the end of the command's output. */
  detail?: string;
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
  /** A digest of the set of workload keys on this member (compared, not the counts). */
  digest?: string;
}

/**
 * Emitted by the runner when a convergence check succeeds or gives up.
 * `final` marks the check made after the workload stopped, the only one
 * that compares each member's set of rows.
 */
export interface ConvergedEvent {
  kind: 'converged';
  t: number;
  ok: boolean;
  members: MemberSnapshot[];
  final?: boolean;
  /** Why it did not converge. */
  reason?: string;
}

/** The final read of the workload table on the leader (never on an arbitrary member). */
export interface FinalReadEvent {
  kind: 'final-read';
  t: number;
  node: string;
  keys: number[];
}

/**
 * The members the run's cluster has, recorded before anything else is
 * observed: a check that must see every member needs to know which ones
 * it never saw at all.
 */
export interface MembersEvent {
  kind: 'members';
  t: number;
  members: string[];
}

/** Free-form annotation (e.g. the current primary at start), for the timeline. */
export interface NoteEvent {
  kind: 'note';
  t: number;
  message: string;
}

/**
 * What the run's Prometheus evaluated of the documented alert rules, read
 * from its HTTP API at the end of the run (src/alerts/prometheus-read.ts):
 * per rule, when it was pending and firing (history clock). `evaluated`
 * false (with `why`) when it was not running, never evaluated, or could not
 * be read: then nothing may be concluded of any rule.
 */
export interface AlertEvaluationEvent {
  kind: 'alert-evaluation';
  t: number;
  evaluated: boolean;
  why?: string;
  /** The first and the last evaluation of every rule group seen; null when none was. */
  from: number | null;
  to: number | null;
  interval_ms: number;
  rules: Array<{
    name: string;
    file: string;
    severity: string | null;
    /** Prometheus's own word on the rule's last evaluation: ok, err or unknown (never evaluated). */
    health: string;
    last_error?: string;
    /** Each stretch of evaluations that found it pending or firing; `to` the first that no longer did, null if still active at the last. */
    intervals: Array<{ state: 'pending' | 'firing'; from: number; to: number | null }>;
    /**
     * Per selector of its expression, the instances whose series it matched from `from` to `to`, each with the
     * stretches it matched none (a rule cannot fire over series that are not there); absent when not read.
     * `pooled`: the expression aggregates `instance` away over it, so the series of one instance at a time suffice.
     */
    inputs?: Array<{ selector: string; pooled?: true; instances: Array<{ instance: string; gaps: Array<{ from: number; to: number }> }> }>;
  }>;
  /** Every scrape target as Prometheus last saw it; `down`: the stretches from `from` to `to` without a successful scrape (absent when not read). */
  targets: Array<{ job: string; instance: string; health: string; last_error?: string; down?: Array<{ from: number; to: number }> }>;
  /** What the harness's webhook receiver got from Alertmanager, in order; absent when the run had no Alertmanager. */
  notifications?: Array<{ at: number; status: string; alerts: Array<{ alertname: string; status: string; severity: string | null; starts_at: string; ends_at: string }> }>;
  /** What was changed from the documents' rules to load them. */
  adapted: string[];
}

/**
 * What the runner found in the components' logs for one `evidence:` entry,
 * read after the logs were copied at stop: every log of the component, and
 * the first line in each that matched. The check decides whether the right
 * member's log had it; nothing here is judged.
 */
export interface EvidenceEvent {
  kind: 'evidence';
  t: number;
  /** The entry's position in the scenario's `evidence:` list. */
  index: number;
  log: string;
  /** The regular expression, as written. */
  matches: string;
  /** The logs searched (member, etcd member or haproxy names); a name in `missing` had no log to read. */
  read: string[];
  missing: string[];
  /** Per log with a match: its first matching line, when that line says (epoch ms), and how many lines matched. */
  seen: Array<{ source: string; line: string; at?: number; count: number }>;
}

export type HistoryEvent =
  | AlertEvaluationEvent
  | WriteEvent
  | ProbeEvent
  | DcsEvent
  | FaultEvent
  | StepEvent
  | ConvergedEvent
  | FinalReadEvent
  | MembersEvent
  | NoteEvent
  | EvidenceEvent;

export type EventKind = HistoryEvent['kind'];
export type EventOf<K extends EventKind> = Extract<HistoryEvent, { kind: K }>;
