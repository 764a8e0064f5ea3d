import type { Socket } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeAfterSend } from './classify.js';
import { INSERT_SQL, INSERT_STATEMENT, insert, insertMessages, InsertWrite } from './insert.js';
import { bindValues, cstr, errorResponse, FakeServer, i16, i32, type Message, msg, ok, split } from './test-support.js';

describe('insertMessages', () => {
  it('is Bind (text parameters), Execute, Sync when the statement is prepared', () => {
    const expected = Buffer.concat([
      msg('B', cstr(''), cstr(INSERT_STATEMENT), i16(0), i16(2), i32(2), Buffer.from('42'), i32(1), Buffer.from('3'), i16(0)),
      msg('E', cstr(''), i32(0)),
      msg('S'),
    ]);
    expect(insertMessages(42, 3, false).equals(expected)).toBe(true);
  });

  it('starts with Parse of the named statement on a connection’s first write', () => {
    const [parse, ...rest] = split(insertMessages(9007199254740991, 12, true));
    expect(parse?.type).toBe('P');
    expect(parse?.body.equals(Buffer.concat([cstr(INSERT_STATEMENT), cstr(INSERT_SQL), i16(0)]))).toBe(true);
    expect(rest.map((m) => m.type)).toEqual(['B', 'E', 'S']);
    expect(rest[0]?.body.toString('latin1')).toContain('9007199254740991');
  });
});

describe('InsertWrite', () => {
  const run = (drive: (w: InsertWrite) => void) => {
    const calls: (Error | undefined)[] = [];
    const w = new InsertWrite(Buffer.alloc(0), (err) => calls.push(err));
    drive(w);
    return calls;
  };

  it('acknowledges only a one-row INSERT tag', () => {
    expect(run((w) => (w.handleCommandComplete({ text: 'INSERT 0 1' }), w.handleReadyForQuery()))).toEqual([undefined]);
    expect(run((w) => (w.handleCommandComplete({ text: 'INSERT 0 0' }), w.handleReadyForQuery()))[0]?.message).toMatch(/INSERT 0 0/);
    expect(run((w) => w.handleReadyForQuery())[0]?.message).toMatch(/no command tag/);
  });

  it('fails a reply an INSERT cannot get', () => {
    const calls = run((w) => (w.handleDataRow(), w.handleCommandComplete({ text: 'INSERT 0 1' }), w.handleReadyForQuery()));
    expect(calls[0]?.message).toMatch(/unexpected DataRow/);
  });

  it('passes the server’s error on unchanged, SQLSTATE included', () => {
    const err = Object.assign(new Error('read-only'), { code: '25006' });
    expect(run((w) => w.handleError(err))).toEqual([err]);
  });

  it('answers once when an error is followed by the ReadyForQuery the Sync brings', () => {
    const err = new Error('deadlock');
    expect(run((w) => (w.handleError(err), w.handleReadyForQuery()))).toEqual([err]);
  });
});

describe('insert through a pg client', () => {
  let server: FakeServer | undefined;
  let client: pg.Client | undefined;
  afterEach(async () => {
    await client?.end().catch(() => undefined);
    await server?.stop();
  });
  const connectTo = async (reply: (batch: Message[], socket: Socket) => void, queryTimeoutMs = 2000) => {
    server = new FakeServer(reply);
    const port = await server.start();
    client = new pg.Client({ host: '127.0.0.1', port, user: 'u', database: 'd', query_timeout: queryTimeoutMs });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  it('parses once per connection, then only binds and executes', async () => {
    const c = await connectTo((batch, s) => s.write(ok(batch)));
    await insert(c, 1, 7, true);
    await insert(c, 2, 7, false);
    expect(server?.batches.map((b) => b.messages.map((m) => m.type).join(''))).toEqual(['PBES', 'BES']);
    expect(bindValues(server?.batches[1]?.messages[0])).toEqual(['2', '7']);
  });

  it('rejects with the server’s SQLSTATE, so a refused write is classified fail', async () => {
    const c = await connectTo((_, s) => s.write(errorResponse('25006')));
    const err = await insert(c, 1, 0, true).then(() => undefined, (e: unknown) => e);
    expect((err as { code?: string }).code).toBe('25006');
    expect(outcomeAfterSend(err)).toBe('fail');
  });

  it('times out with the connection’s query_timeout when no reply comes: info', async () => {
    const c = await connectTo(() => undefined, 100);
    const err = await insert(c, 1, 0, true).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toBe('Query read timeout');
    expect(outcomeAfterSend(err)).toBe('info');
  });

  it('rejects when the connection drops before the reply: info', async () => {
    const c = await connectTo((_, s) => s.destroy());
    const err = await insert(c, 1, 0, true).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(outcomeAfterSend(err)).toBe('info');
  });

  it('rejects a reply that acknowledges no row', async () => {
    const c = await connectTo((_, s) => s.write(Buffer.concat([msg('2'), msg('C', cstr('INSERT 0 0')), msg('Z', Buffer.from('I'))])));
    await expect(insert(c, 1, 0, false)).rejects.toThrow(/INSERT 0 0/);
  });
});
