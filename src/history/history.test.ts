import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from './events.js';
import { allEvents, History, ofKind, writesOf } from './history.js';

const file = (): string => join(mkdtempSync(join(tmpdir(), 'pc-history-test-')), 'history.jsonl');
const lines = (f: string): HistoryEvent[] => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as HistoryEvent);

function events(n: number): HistoryEvent[] {
  return Array.from({ length: n }, (_, i): HistoryEvent =>
    i % 3 === 0 ? { kind: 'probe', t: i, member: 'pg1', inRecovery: false } : { kind: 'write', key: i, writer: 0, start: i, end: i + 0.5, outcome: 'ok', node: 'pg1', timeline: 1 });
}

describe('History', () => {
  it('has every event in its file once closed: the other events in order, then the writes in order', async () => {
    const f = file();
    const h = new History(f, { chunkRecords: 4 });
    const all = events(30_000); // the writes alone are several 64 KB batches
    all.forEach((e) => h.append(e));
    await h.close();
    expect(lines(f)).toEqual([...all.filter((e) => e.kind !== 'write'), ...all.filter((e) => e.kind === 'write')]);
  });

  it('keeps the writes out of the file while the run goes on, so the workload does not pay for their JSON', async () => {
    const f = file();
    const h = new History(f);
    h.append({ kind: 'write', key: 1, writer: 0, start: 1, end: 2, outcome: 'ok' });
    h.append({ kind: 'note', t: 3, message: 'x' });
    await new Promise((r) => setTimeout(r, 300));
    expect(lines(f).map((e) => e.kind)).toEqual(['note']);
    await h.close();
    expect(lines(f).map((e) => e.kind)).toEqual(['note', 'write']);
    // Closing twice files nothing twice.
    await h.close();
    expect(lines(f)).toHaveLength(2);
  });

  it('flushes a quiet history within a fraction of a second, not only at close', async () => {
    const f = file();
    const h = new History(f);
    h.append({ kind: 'note', t: 1, message: 'hello' });
    await new Promise((r) => setTimeout(r, 400));
    expect(lines(f)).toEqual([{ kind: 'note', t: 1, message: 'hello' }]);
    await h.close();
  });

  it('keeps the writes apart from the other events for the checks, each in order', async () => {
    const h = new History(undefined, { chunkRecords: 4 });
    const all = events(40);
    all.forEach((e) => h.append(e));
    expect(ofKind(h, 'probe')).toEqual(all.filter((e) => e.kind === 'probe'));
    expect([...writesOf(h)]).toEqual(all.filter((e) => e.kind === 'write'));
    expect(allEvents(h)).toHaveLength(40);
    await h.close();
    expect([...writesOf(h)]).toHaveLength(26);
    h.dispose();
  });
});
