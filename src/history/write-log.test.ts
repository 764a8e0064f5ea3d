import { mkdtempSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WriteEvent } from './events.js';
import { WriteLog } from './write-log.js';

/** This process's open descriptors on a write log's file in `dir` (deleted, so only /proc still shows them). */
const spillFds = (dir: string): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(`${dir}/.patroni-chaos-writes-`) ? [target] : [];
    } catch {
      return [];
    }
  });

const w = (key: number, end: number, fields: Partial<WriteEvent> = {}): WriteEvent => ({ kind: 'write', key, writer: key % 3, start: end - 1.25, end, outcome: 'ok', ...fields });

describe('WriteLog', () => {
  it('gives back every field as appended, absent ones absent, across chunk edges and the tail', () => {
    const log = new WriteLog({ chunkRecords: 3 });
    const writes: WriteEvent[] = [
      w(1, 1000.125, { node: 'pg1', timeline: 1 }),
      w(2, 1001.5, { outcome: 'fail', error: 'connect ECONNREFUSED 127.0.0.1:5000' }),
      w(3, 1002, { outcome: 'info', error: 'timeout after 5000 ms' }),
      w(4, 1003, { node: 'pg2', timeline: 0 }),
      w(2 ** 40 + 1, 1004.000001, { node: 'pg2', timeline: 4_000_000_000, writer: 65_534 }),
      w(6, 1005, { outcome: 'fail', error: 'connect ECONNREFUSED 127.0.0.1:5000' }),
      w(7, 1006),
    ];
    writes.forEach((x) => log.append(x));
    expect(log.size).toBe(7);
    expect([...log]).toEqual(writes);
    // A second pass reads the same again: nothing is consumed.
    expect([...log]).toEqual(writes);
    expect([...log].map((x) => Object.keys(x))).toEqual(writes.map((x) => Object.keys(x)));
  });

  it('keeps its records on disk, not in memory, once sealed, and still reads them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-wl-test-'));
    const log = new WriteLog({ chunkRecords: 4, dir });
    for (let i = 0; i < 10; i++) log.append(w(i, i));
    // The spill file is open but already unlinked: nothing to leave behind, however the process ends.
    expect(readdirSync(dir)).toEqual([]);
    expect(spillFds(dir)).toHaveLength(1);
    log.seal();
    expect([...log].map((x) => x.key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Appending after the seal still works (a late write from a stopping writer).
    log.append(w(10, 10));
    expect([...log].map((x) => x.key).at(-1)).toBe(10);
    const pass = log[Symbol.iterator]();
    pass.next();
    log.dispose();
    expect(spillFds(dir)).toEqual([]);
    // Disposed, it refuses to be read (an empty log would read as "no writes"), even by a pass under way.
    expect(() => [...log]).toThrow(/disposed/);
    expect(() => log.size).toThrow(/disposed/);
    expect(() => pass.next()).toThrow(/disposed/);
    expect(() => log.append(w(11, 11))).toThrow(/disposed/);
  });

  it('reads correctly when the tail is flushed in the middle of a pass', () => {
    const log = new WriteLog({ chunkRecords: 2 });
    log.append(w(1, 1));
    log.append(w(2, 2));
    log.append(w(3, 3));
    const seen: number[] = [];
    for (const x of log) {
      seen.push(x.key);
      // The third append of each pass pushes the tail to disk while the pass is in it.
      if (x.key === 3) {
        log.append(w(4, 4));
        log.append(w(5, 5));
      }
    }
    // A pass covers what was there when it began.
    expect(seen).toEqual([1, 2, 3]);
    expect([...log].map((x) => x.key)).toEqual([1, 2, 3, 4, 5]);
  });

  it('says whether the writes came in order of acknowledgement', () => {
    const sorted = new WriteLog();
    [1, 2, 2, 5].forEach((end, i) => sorted.append(w(i, end)));
    expect(sorted.sortedByEnd).toBe(true);
    const unsorted = new WriteLog();
    [1, 5, 2].forEach((end, i) => unsorted.append(w(i, end)));
    expect(unsorted.sortedByEnd).toBe(false);
  });

  it('refuses what it cannot store exactly rather than storing something else', () => {
    const log = new WriteLog();
    expect(() => log.append(w(1, 1, { writer: 70_000 }))).toThrow(/writer 70000/);
    expect(() => log.append(w(1, 1, { timeline: 1.5 }))).toThrow(/timeline 1.5/);
    expect(() => log.append(w(1, 1, { timeline: -1 }))).toThrow(/timeline -1/);
    expect(log.size).toBe(0);
  });
});
