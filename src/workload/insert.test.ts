import type { Socket } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomeAfterSend } from './classify.js';
import { INSERT_SQL, insert, insertMessages, InsertWrite } from './insert.js';
import { bindValues, cstr, errorResponse, FakeServer, i16, i32, type Message, msg, ok, split } from './test-support.js';

describe('insertMessages', () => {
  it('is Parse and Bind of the unnamed statement (text parameters), Execute, Sync', () => {
    const expected = Buffer.concat([
      msg('P', cstr(''), cstr(INSERT_SQL), i16(0)),
      msg('B', cstr(''), cstr(''), i16(0), i16(2), i32(2), Buffer.from('42'), i32(1), Buffer.from('3'), i16(0)),
      msg('E', cstr(''), i32(0)),
      msg('S'),
    ]);
    expect(insertMessages(42, 3).equals(expected)).toBe(true);
  });

  it('carries the largest safe key whole, and each write its own values after the same Parse', () => {
    const [parse, bind, ...rest] = split(insertMessages(9007199254740991, 12));
    expect(parse?.type).toBe('P');
    expect(rest.map((m) => m.type)).toEqual(['E', 'S']);
    expect(bindValues(bind)).toEqual(['9007199254740991', '12']);
    expect(split(insertMessages(1, 0))[0]?.body.equals(parse?.body ?? Buffer.alloc(0))).toBe(true);
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

  it('sends every write whole, Parse included, in one batch ended by its Sync', async () => {
    const c = await connectTo((batch, s) => s.write(ok(batch)));
    await insert(c, 1, 7);
    await insert(c, 2, 7);
    expect(server?.batches.map((b) => b.messages.map((m) => m.type).join(''))).toEqual(['PBES', 'PBES']);
    expect(bindValues(server?.batches[1]?.messages[1])).toEqual(['2', '7']);
  });

  it('keeps writing through a pooler in transaction mode, whose every transaction may get another server session', async () => {
    // PgBouncer 1.18's pool_mode = transaction: a batch's statements exist only in the server session that
    // batch got; a Bind of a statement no Parse of the same batch made is what PostgreSQL answers 26000 to.
    const c = await connectTo((batch, s) => {
      const parsed = new Set(batch.filter((m) => m.type === 'P').map((m) => m.body.toString('latin1', 0, m.body.indexOf(0))));
      const bound = batch.filter((m) => m.type === 'B').map((m) => m.body.toString('latin1', m.body.indexOf(0) + 1, m.body.indexOf(0, m.body.indexOf(0) + 1)));
      s.write(bound.every((name) => parsed.has(name)) ? ok(batch) : errorResponse('26000'));
    });
    for (let k = 1; k <= 3; k++) await insert(c, k, 0);
    expect(server?.batches).toHaveLength(3);
  });

  it('rejects with the server’s SQLSTATE, so a refused write is classified fail', async () => {
    const c = await connectTo((_, s) => s.write(errorResponse('25006')));
    const err = await insert(c, 1, 0).then(() => undefined, (e: unknown) => e);
    expect((err as { code?: string }).code).toBe('25006');
    expect(outcomeAfterSend(err)).toBe('fail');
  });

  it('times out with the connection’s query_timeout when no reply comes: info', async () => {
    const c = await connectTo(() => undefined, 100);
    const err = await insert(c, 1, 0).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toBe('Query read timeout');
    expect(outcomeAfterSend(err)).toBe('info');
  });

  it('rejects when the connection drops before the reply: info', async () => {
    const c = await connectTo((_, s) => s.destroy());
    const err = await insert(c, 1, 0).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(outcomeAfterSend(err)).toBe('info');
  });

  it('rejects a reply that acknowledges no row', async () => {
    const c = await connectTo((_, s) => s.write(Buffer.concat([msg('2'), msg('C', cstr('INSERT 0 0')), msg('Z', Buffer.from('I'))])));
    await expect(insert(c, 1, 0)).rejects.toThrow(/INSERT 0 0/);
  });
});
