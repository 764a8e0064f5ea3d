import type { WriteEvent } from '../history/events.js';
import { optional } from '../optional.js';
import type { WriteBurstEntry, WriteOkEntry } from './timeline-types.js';

/** Writes closer than this belong to the same stretch: a person cares about gaps, not throughput. */
export const WRITE_GAP_MS = 1000;

/**
 * Compresses the write history to the moments a person looks for: the
 * first ack after a silence longer than WRITE_GAP_MS, and one entry per
 * burst of fail/info writes with its size. Writes are placed at their end,
 * when their outcome became known, and must come in that order
 * (writesByEnd). Pure; `start` is the run start (epoch ms).
 */
export function compressWrites(sorted: Iterable<WriteEvent>, start: number): Array<WriteOkEntry | WriteBurstEntry> {
  const out: Array<WriteOkEntry | WriteBurstEntry> = [];
  const at = (t: number): number => Math.round(t - start);
  let lastOk: number | undefined;
  const bursts = new Map<'fail' | 'info', { entry: WriteBurstEntry; lastEnd: number }>();

  for (const w of sorted) {
    if (w.outcome === 'ok') {
      if (lastOk === undefined || w.end - lastOk > WRITE_GAP_MS) {
        const gap = lastOk === undefined ? null : Math.round(w.end - lastOk);
        out.push({ at_ms: at(w.end), kind: 'write', outcome: 'ok', key: w.key, ...optional({ node: w.node, timeline: w.timeline }), gap_ms: gap });
      }
      lastOk = w.end;
      continue;
    }
    const open = bursts.get(w.outcome);
    if (open !== undefined && w.end - open.lastEnd <= WRITE_GAP_MS) {
      open.entry.count += 1;
      open.entry.until_ms = at(w.end);
      open.lastEnd = w.end;
      continue;
    }
    const entry: WriteBurstEntry = { at_ms: at(w.end), kind: 'write', outcome: w.outcome, count: 1, until_ms: at(w.end), ...optional({ error: w.error }) };
    bursts.set(w.outcome, { entry, lastEnd: w.end });
    out.push(entry);
  }
  return out;
}
