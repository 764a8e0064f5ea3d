/**
 * A PostgreSQL server just big enough for pg's startup, a simple query and
 * the workload's insert, on loopback; and the protocol's message framing.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Message {
  type: string;
  body: Buffer;
}

/** Splits frontend messages (type byte, int32 length including itself, body). */
export function split(buf: Buffer): Message[] {
  const out: Message[] = [];
  for (let o = 0; o < buf.length; ) {
    const len = buf.readInt32BE(o + 1);
    out.push({ type: String.fromCharCode(buf[o] ?? 0), body: buf.subarray(o + 5, o + 1 + len) });
    o += 1 + len;
  }
  return out;
}

export const cstr = (s: string) => Buffer.from(`${s}\0`);
export const i16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
export const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
export const msg = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type), i32(body.length + 4), body]);
};

/** What a client sent up to a Sync (or one simple Query), on its `connection`-th connection (from 0). */
export interface Batch {
  connection: number;
  messages: Message[];
}

/**
 * Records each batch of frontend messages and answers it with `reply`; a
 * simple query is answered by `query` (by default with nothing).
 */
export class FakeServer {
  readonly batches: Batch[] = [];
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #connections = 0;

  constructor(
    private readonly reply: (batch: Message[], socket: Socket) => void,
    private readonly query: (sql: string, socket: Socket) => void = () => undefined,
  ) {}

  async start(): Promise<number> {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      const connection = this.#connections++;
      let pending = Buffer.alloc(0);
      let started = false;
      let batch: Message[] = [];
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        if (!started && pending.length >= 4 && pending.length >= pending.readInt32BE(0)) {
          pending = pending.subarray(pending.readInt32BE(0));
          started = true;
          socket.write(Buffer.concat([msg('R', i32(0)), msg('Z', Buffer.from('I'))]));
        }
        while (started && pending.length >= 5 && pending.length >= 1 + pending.readInt32BE(1)) {
          const [m] = split(pending.subarray(0, 1 + pending.readInt32BE(1)));
          pending = pending.subarray(1 + pending.readInt32BE(1));
          if (m === undefined || m.type === 'X') continue;
          if (m.type === 'Q') {
            this.batches.push({ connection, messages: [m] });
            this.query(m.body.toString('utf8', 0, m.body.length - 1), socket);
            continue;
          }
          batch.push(m);
          if (m.type === 'S') {
            this.batches.push({ connection, messages: batch });
            this.reply(batch, socket);
            batch = [];
          }
        }
      });
    });
    await new Promise<void>((res) => this.#server?.listen(0, '127.0.0.1', res));
    return (this.#server?.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise((res) => this.#server?.close(res));
  }
}

export const ok = (batch: Message[]) => Buffer.concat([...(batch[0]?.type === 'P' ? [msg('1')] : []), msg('2'), msg('C', cstr('INSERT 0 1')), msg('Z', Buffer.from('I'))]);
/** A simple query's reply: one row of text columns (name, type oid, value). */
export const rowReply = (cols: [string, number, string][]) =>
  Buffer.concat([
    msg('T', i16(cols.length), ...cols.flatMap(([name, oid]) => [cstr(name), i32(0), i16(0), i32(oid), i16(-1 & 0xffff), i32(-1), i16(0)])),
    msg('D', i16(cols.length), ...cols.flatMap(([, , v]) => [i32(Buffer.byteLength(v)), Buffer.from(v)])),
    msg('C', cstr('SELECT 1')),
    msg('Z', Buffer.from('I')),
  ]);
export const errorResponse = (code: string) => Buffer.concat([msg('E', cstr('SERROR'), cstr(`C${code}`), cstr('Mrefused'), Buffer.from([0])), msg('Z', Buffer.from('I'))]);

/** The text parameters of a Bind of `insertMessages`. */
export function bindValues(bind: Message | undefined): string[] {
  const b = bind?.body ?? Buffer.alloc(0);
  let o = b.indexOf(0, b.indexOf(0) + 1) + 1 + 2 + 2;
  const out: string[] = [];
  for (let i = 0; i < 2; i++) {
    const len = b.readInt32BE(o);
    out.push(b.toString('latin1', o + 4, o + 4 + len));
    o += 4 + len;
  }
  return out;
}

