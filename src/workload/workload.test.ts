import { afterEach, describe, expect, it } from 'vitest';
import type { WriteEvent } from '../history/events.js';
import { bindValues, FakeServer, ok, rowReply } from './test-support.js';
import { Workload } from './workload.js';

const BOOL = 16;
const INT4 = 23;
const TEXT = 25;
const identity = rowReply([
  ['addr', TEXT, '10.0.0.5'],
  ['port', INT4, '5432'],
  ['r', BOOL, 'f'],
  ['tl', INT4, '3'],
]);

describe('Workload', () => {
  let server: FakeServer | undefined;
  afterEach(async () => server?.stop());

  it('records each write with the member and timeline of its connection, and identifies again after a reconnect', async () => {
    let inserts = 0;
    // The third write's connection drops before its reply: the writer must reconnect and identify again.
    server = new FakeServer(
      (batch, s) => (++inserts === 3 ? s.destroy() : s.write(ok(batch))),
      (_, s) => s.write(identity),
    );
    const port = await server.start();
    const events: WriteEvent[] = [];
    let fifth: () => void = () => undefined;
    const done = new Promise<void>((res) => (fifth = res));
    const w = new Workload(
      { writers: 1, timeoutMs: 2000 },
      { endpoint: { host: '127.0.0.1', port }, credentials: { superuser: { username: 'u', password: 'p' }, rest: { username: 'r', password: 'p' } }, nodeByAddress: new Map([['10.0.0.5:5432', 'pg-a']]) },
      (e) => {
        events.push(e);
        if (events.length === 5) fifth();
      },
    );
    w.start();
    await done;
    await w.stop();

    expect(events.slice(0, 5).map((e) => [e.key, e.outcome, e.node, e.timeline])).toEqual([
      [1, 'ok', 'pg-a', 3],
      [2, 'ok', 'pg-a', 3],
      [3, 'info', undefined, undefined],
      [4, 'ok', 'pg-a', 3],
      [5, 'ok', 'pg-a', 3],
    ]);
    expect(events[2]?.error).toBeTruthy();
    const shape = (b: { connection: number; messages: { type: string }[] }) => `${b.connection}:${b.messages.map((m) => m.type).join('')}`;
    expect(server.batches.slice(0, 6).map(shape)).toEqual(['0:Q', '0:PBES', '0:PBES', '0:PBES', '1:Q', '1:PBES']);
    expect(bindValues(server.batches[5]?.messages[1])).toEqual(['4', '0']);
  });

  it('records the timeline of an ok write whose member it cannot name (an address the cluster did not list), without a node', async () => {
    server = new FakeServer((batch, s) => s.write(ok(batch)), (_, s) => s.write(identity));
    const port = await server.start();
    const events: WriteEvent[] = [];
    let second: () => void = () => undefined;
    const done = new Promise<void>((res) => (second = res));
    const w = new Workload(
      { writers: 1, timeoutMs: 2000 },
      { endpoint: { host: '127.0.0.1', port }, credentials: { superuser: { username: 'u', password: 'p' }, rest: { username: 'r', password: 'p' } }, nodeByAddress: new Map([['10.0.0.9:5432', 'pg-b']]) },
      (e) => {
        events.push(e);
        if (events.length === 2) second();
      },
    );
    w.start();
    await done;
    await w.stop();
    expect(events.slice(0, 2).map((e) => [e.outcome, 'node' in e, e.timeline])).toEqual([['ok', false, 3], ['ok', false, 3]]);
    expect(w.stats.lastOkNode).toBeUndefined();
  });
});
