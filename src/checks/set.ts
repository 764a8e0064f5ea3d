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
 * an invariant of the database, as in Jepsen. Without a final read the
 * check cannot decide: 'unknown', every set metric null.
 *
 * rpo_ms reaches back from the failure to the earliest lost ack. The failure
 * is the first fault injected after that ack (a replication stall followed
 * by a crash loses what was acknowledged during the stall: the crash is what
 * loses it), else the last fault, clamped at 0 when only writes acknowledged
 * after every fault were lost (lost_writes still counts them). 0 when
 * nothing is lost, null when writes were lost in a run without any fault,
 * where "before the failure" has no meaning.
 */
export function checkSet(_scenario: Scenario, events: readonly HistoryEvent[]): CheckOutput {
  const read = byTime(ofKind(events, 'final-read')).at(-1);
  if (read === undefined) return { metrics: {}, valid: 'unknown', error: 'no final-read event: the final state was never read' };
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
  const earliestLostAck = lost.reduce((m, w) => Math.min(m, w.end), Infinity);
  const injects = byTime(ofKind(events, 'fault').filter((f) => f.phase === 'inject'));
  const failure = injects.find((f) => f.t >= earliestLostAck) ?? injects.at(-1);
  const rpo = lost.length === 0 ? 0 : failure === undefined ? null : Math.max(0, failure.t - earliestLostAck);
  const lostKeys = lost.map((w) => w.key);
  const problems = [
    lost.length > 0 ? `${lost.length} acknowledged writes lost (e.g. keys ${sample(lostKeys).join(', ')})` : '',
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
