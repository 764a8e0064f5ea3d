import type { HistoryEvent, Outcome, WriteEvent } from '../history/events.js';
import { ofKind } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime } from './timeline.js';

const SAMPLE_CAP = 20;

const sample = (keys: number[]): number[] => [...keys].sort((a, b) => a - b).slice(0, SAMPLE_CAP);

/**
 * One outcome per key. Keys are unique per operation, but should a key be
 * recorded twice, `ok` wins over `info` over `fail`: the strongest claim
 * the client made is the one the final state is held to.
 */
function outcomesByKey(writes: readonly WriteEvent[]): Map<number, WriteEvent> {
  const rank: Record<Outcome, number> = { ok: 2, info: 1, fail: 0 };
  const byKey = new Map<number, WriteEvent>();
  for (const w of writes) {
    const seen = byKey.get(w.key);
    if (seen === undefined || rank[w.outcome] > rank[seen.outcome]) byKey.set(w.key, w);
  }
  return byKey;
}

/**
 * Jepsen's set checker against the last final read. Invalid when an
 * acknowledged write is lost or a key nobody wrote appears; ghosts (failed
 * writes that are present) are a client misclassification, reported but not
 * an invariant of the database, as in Jepsen. Without a final read (no
 * leader to read from, or the run was cut short) the check cannot decide:
 * 'unknown', every set metric null.
 *
 * rpo_ms is the span of time whose acknowledged writes were lost: from the
 * start of the earliest lost write to the acknowledgement of the latest.
 * It depends on no fault, so writes lost after a fault (a cut-off primary
 * that kept acknowledging) count as much as writes lost before it, and it
 * is never 0 when a write was lost.
 */
export function checkSet(_scenario: Scenario, events: readonly HistoryEvent[]): CheckOutput {
  const read = byTime(ofKind(events, 'final-read')).at(-1);
  if (read === undefined) return { metrics: {}, valid: 'unknown', error: 'no final-read event: the final state was never read on a leader' };
  const present = new Set(read.keys);
  const writes = outcomesByKey(ofKind(events, 'write'));
  const lost: WriteEvent[] = [];
  const recovered: number[] = [];
  const ghost: number[] = [];
  for (const w of writes.values()) {
    if (w.outcome === 'ok' && !present.has(w.key)) lost.push(w);
    if (w.outcome === 'info' && present.has(w.key)) recovered.push(w.key);
    if (w.outcome === 'fail' && present.has(w.key)) ghost.push(w.key);
  }
  const unexpected = [...present].filter((k) => !writes.has(k));
  const from = lost.reduce((m, w) => Math.min(m, w.start), Infinity);
  const to = lost.reduce((m, w) => Math.max(m, w.end), -Infinity);
  // At least 1 ms: a loss must never read as "RPO 0", even for a hand-made zero-length write.
  const rpo = lost.length === 0 ? 0 : Math.max(1, to - from);
  const lostKeys = lost.map((w) => w.key);
  const problems = [
    lost.length > 0 ? `${lost.length} acknowledged writes lost over ${Math.round(rpo)} ms (e.g. keys ${sample(lostKeys).join(', ')})` : '',
    unexpected.length > 0 ? `${unexpected.length} keys present that were never written (e.g. ${sample(unexpected).join(', ')})` : '',
    ghost.length > 0 ? `${ghost.length} writes reported failed are present (e.g. ${sample(ghost).join(', ')})` : '',
  ].filter((p) => p !== '');
  const valid = lost.length === 0 && unexpected.length === 0;
  return {
    metrics: {
      lost_writes: lost.length,
      rpo_ms: rpo,
      unexpected_writes: unexpected.length,
      recovered_writes: recovered.length,
      ghost_writes: ghost.length,
      samples: { lost: sample(lostKeys), unexpected: sample(unexpected), recovered: sample(recovered), ghost: sample(ghost) },
    },
    valid,
    // `error` explains an invalid result; ghosts alone leave the check valid and show in the metrics.
    ...(valid ? {} : { error: problems.join('; ') }),
  };
}
