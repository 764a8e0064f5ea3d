/**
 * The workload's one write, sent as a pg Submittable: the profile showed
 * pg's general query path (config cloning, Query/Result objects, a second
 * promise, Describe and its NoData reply, four corked buffers written with
 * writev) costing more client CPU per write than pgbench's whole transaction,
 * on a machine where that CPU is taken from PostgreSQL and HAProxy. Here a
 * write is one precomputed buffer (Parse, Bind, Execute, Sync) and one
 * callback. The connection's query_timeout, queueing and error paths stay
 * pg's own.
 *
 * The statement is the unnamed one, parsed again by every write, as pg sends
 * a query config without `name`: a named statement lives in one server
 * session, and a pooler in transaction mode (the seeds topology's PgBouncer,
 * 002's `pool_mode = transaction`) hands each transaction whichever server
 * connection is free, where it was never prepared. PgBouncer tracks named
 * statements only from 1.21, with max_prepared_statements, which 002's ini
 * does not set and bookworm's 1.18 lacks. The unnamed statement's Parse,
 * Bind, Execute and Sync go in one batch, ended by the Sync, within which
 * PgBouncer keeps one server connection.
 */
import type pg from 'pg';
import { WRITES_TABLE } from './schema.js';

export const INSERT_SQL = `INSERT INTO ${WRITES_TABLE} (k, writer) VALUES ($1, $2)`;
/** The only reply that acknowledges the write: one row inserted. */
const INSERTED_TAG = 'INSERT 0 1';

const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** Parse of the unnamed statement, the same for every write: no parameter types, the server infers them from the table. */
const PARSE = (() => {
  const body = 1 + Buffer.byteLength(INSERT_SQL) + 1 + 2;
  const buf = Buffer.alloc(1 + 4 + body);
  let o = buf.writeUInt8(0x50, 0); // 'P'
  o = buf.writeInt32BE(4 + body, o);
  o = buf.writeUInt8(0, o); // the unnamed statement
  o += buf.write(INSERT_SQL, o);
  o = buf.writeUInt8(0, o);
  buf.writeInt16BE(0, o);
  return buf;
})();

/**
 * The frontend messages of one write (PostgreSQL protocol 3): Parse of the
 * unnamed statement, Bind with both parameters in text format, Execute, Sync.
 */
export function insertMessages(key: number, writer: number): Buffer {
  const k = String(key);
  const w = String(writer);
  // Bind: unnamed portal, unnamed statement, 0 parameter formats (all text), 2 parameters, 0 result formats.
  const bindBody = 1 + 1 + 2 + 2 + 4 + k.length + 4 + w.length + 2;
  const executeBody = 1 + 4;
  const buf = Buffer.allocUnsafe(PARSE.length + 1 + 4 + bindBody + 1 + 4 + executeBody + SYNC.length);
  let o = PARSE.copy(buf, 0);
  o = buf.writeUInt8(0x42, o); // 'B'
  o = buf.writeInt32BE(4 + bindBody, o);
  o = buf.writeUInt8(0, o); // unnamed portal
  o = buf.writeUInt8(0, o); // unnamed statement
  o = buf.writeInt16BE(0, o);
  o = buf.writeInt16BE(2, o);
  o = buf.writeInt32BE(k.length, o);
  o += buf.write(k, o, 'latin1');
  o = buf.writeInt32BE(w.length, o);
  o += buf.write(w, o, 'latin1');
  o = buf.writeInt16BE(0, o);
  o = buf.writeUInt8(0x45, o); // 'E'
  o = buf.writeInt32BE(4 + executeBody, o);
  o = buf.writeUInt8(0, o); // unnamed portal
  o = buf.writeInt32BE(0, o); // no row limit
  SYNC.copy(buf, o);
  return buf;
}

/**
 * One write on a pg client, in pg's Submittable shape: pg calls `submit` when
 * the connection is free, the `handle*` methods as replies arrive, and wraps
 * `callback` with the connection's query_timeout.
 */
export class InsertWrite implements pg.Submittable {
  #tag: string | undefined;
  #unexpected: string | undefined;
  /** The server's ErrorResponse was passed on: its ReadyForQuery that follows is no second answer. */
  #failed = false;

  constructor(
    private readonly message: Buffer,
    public callback: (err: Error | undefined) => void,
  ) {}

  submit(connection: pg.Connection): void {
    connection.stream.write(this.message);
  }

  handleCommandComplete(msg: { text: string }): void {
    this.#tag = msg.text;
  }

  /** The end of every write; one that had an ErrorResponse was already answered by handleError. */
  handleReadyForQuery(): void {
    if (this.#failed) return;
    if (this.#unexpected !== undefined) this.callback(new Error(`unexpected ${this.#unexpected} reply to the insert`));
    else if (this.#tag !== INSERTED_TAG) this.callback(new Error(`unexpected reply to the insert: ${this.#tag ?? 'no command tag'}`));
    else this.callback(undefined);
  }

  handleError(err: Error): void {
    this.#failed = true;
    this.callback(err);
  }

  // Replies an INSERT never gets; pg calls these without checking they exist.
  handleRowDescription(): void {
    this.#unexpected ??= 'RowDescription';
  }
  handleDataRow(): void {
    this.#unexpected ??= 'DataRow';
  }
  handleEmptyQuery(): void {
    this.#unexpected ??= 'EmptyQueryResponse';
  }
  handlePortalSuspended(): void {
    this.#unexpected ??= 'PortalSuspended';
  }
  handleCopyInResponse(): void {
    this.#unexpected ??= 'CopyInResponse';
  }
  handleCopyData(): void {
    this.#unexpected ??= 'CopyData';
  }
}

/** Inserts (key, writer) on `client`; resolves once the server acknowledged the commit. */
export function insert(client: pg.Client, key: number, writer: number): Promise<void> {
  return new Promise((resolve, reject) => {
    client.query(new InsertWrite(insertMessages(key, writer), (err) => (err ? reject(err) : resolve())));
  });
}
