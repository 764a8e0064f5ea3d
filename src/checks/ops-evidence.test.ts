import { describe, expect, it } from 'vitest';
import { conflictingAcks } from './ops-evidence.js';
import { HistoryBuilder } from './test-support.js';

describe('conflictingAcks', () => {
  it('names, per pair of members, the stale write that started first, whatever order the writes were recorded in', () => {
    const h = new HistoryBuilder();
    h.write(1000, 1010, 'ok', { node: 'pg2', timeline: 2 }, 1);
    // Both pg1 writes prove a second primary; the one recorded last started first.
    h.write(1500, 1600, 'ok', { node: 'pg1', timeline: 1 }, 2);
    h.write(1200, 1700, 'ok', { node: 'pg1', timeline: 1 }, 3);
    const found = conflictingAcks(h.events);
    expect(found).toHaveLength(1);
    expect(found[0]?.stale.key).toBe(3);
    expect(found[0]?.newer.key).toBe(1);
  });

  it('finds nothing when the old timeline\'s writes started before the new one\'s first acknowledgement', () => {
    const h = new HistoryBuilder();
    h.write(900, 1100, 'ok', { node: 'pg1', timeline: 1 });
    h.write(1000, 1010, 'ok', { node: 'pg2', timeline: 2 });
    expect(conflictingAcks(h.events)).toEqual([]);
  });

  it('lists one witness per pair, in order of the stale writes\' starts', () => {
    const h = new HistoryBuilder();
    h.write(1000, 1010, 'ok', { node: 'pg2', timeline: 2 }, 1);
    h.write(3000, 3010, 'ok', { node: 'pg3', timeline: 1 }, 2);
    h.write(2000, 2010, 'ok', { node: 'pg1', timeline: 1 }, 3);
    h.write(2500, 2510, 'ok', { node: 'pg1', timeline: 1 }, 4);
    expect(conflictingAcks(h.events).map((c) => [c.stale.key, c.newer.key])).toEqual([[3, 1], [2, 1]]);
  });
});
