import type { MemberSnapshot } from '../history/events.js';
import type { MemberRole } from './probe-state.js';

/** One line of the report.json timeline; `at_ms` is the offset from the run start. */
export type TimelineEntry =
  | { at_ms: number; kind: 'fault'; phase: 'inject' | 'heal'; id: string; action: string; target: string; resolved: string[]; detail?: string; effect?: string; unknown?: string; error?: string }
  | { at_ms: number; kind: 'step'; index: number; step: string; phase: 'start' | 'end'; ok?: boolean; error?: string }
  | { at_ms: number; kind: 'dcs'; leader: string | null }
  | { at_ms: number; kind: 'converged'; ok: boolean; members: MemberSnapshot[] }
  | { at_ms: number; kind: 'note'; message: string }
  /** The final read, with the row count only: the keys belong to the history, not a timeline. */
  | { at_ms: number; kind: 'final-read'; node: string; rows: number }
  | ProbeEntry
  | WriteOkEntry
  | WriteBurstEntry;

/** A member's observed state changed (or was first seen). */
export interface ProbeEntry {
  at_ms: number;
  kind: 'probe';
  member: string;
  role: MemberRole;
  patroni_role?: string;
  patroni_state?: string;
  in_recovery?: boolean;
  writable?: boolean;
  timeline?: number;
  error?: string;
}

/** The first acknowledged write after more than a second without one (or the first at all). */
export interface WriteOkEntry {
  at_ms: number;
  kind: 'write';
  outcome: 'ok';
  key: number;
  node?: string;
  timeline?: number;
  /** Time since the previous acknowledged write; null for the first of the run. */
  gap_ms: number | null;
}

/** A burst of failed or indeterminate writes, each within a second of the previous one. */
export interface WriteBurstEntry {
  at_ms: number;
  kind: 'write';
  outcome: 'fail' | 'info';
  count: number;
  /** Offset of the last write of the burst. */
  until_ms: number;
  /** The first write's error, as a sample of why. */
  error?: string;
}
