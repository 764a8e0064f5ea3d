// Test support shared by the proxy's tests: local TCP peers and a server driven by the real client.
import { createHash } from 'node:crypto';
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { Toxiproxy, type ICreateToxicBody, type Proxy as ClientProxy } from 'toxiproxy-node-client';
import { ToxiproxyServer } from './server.js';

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The node client's body type demands every field; Toxiproxy itself fills in the defaults. */
export const toxic = <T = Record<string, number>>(body: Partial<ICreateToxicBody<T>>): ICreateToxicBody<T> =>
  body as ICreateToxicBody<T>;

/** A TCP server on 127.0.0.1 that tracks its sockets so `close()` leaves nothing behind. */
export interface Peer {
  port: number;
  address: string;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

export async function tcpServer(onSocket: (socket: Socket) => void): Promise<Peer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    address: `127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echoes every byte back, and ends its side when the client ends (half-close aware). */
export const echoServer = (): Promise<Peer> => tcpServer((socket) => socket.pipe(socket));

export interface Received {
  data: Buffer;
  chunks: number;
  error: NodeJS.ErrnoException | undefined;
  ended: boolean;
}

/** Everything a socket receives until its peer ends it (FIN) or it closes (e.g. on RST). */
export function collect(socket: Socket): Promise<Received> {
  const parts: Buffer[] = [];
  let error: NodeJS.ErrnoException | undefined;
  socket.on('data', (part: Buffer) => parts.push(part));
  socket.on('error', (err) => (error = err));
  return new Promise((resolve) => {
    const done = (ended: boolean) => () => resolve({ data: Buffer.concat(parts), chunks: parts.length, error, ended });
    socket.once('end', done(true));
    socket.once('close', done(false));
  });
}

/** Resolves with the first `n` bytes the socket receives. */
export function readBytes(socket: Socket, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  return new Promise((resolve, reject) => {
    const onData = (part: Buffer): void => {
      parts.push(part);
      have += part.length;
      if (have < n) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(Buffer.concat(parts).subarray(0, n));
    };
    const onClose = (): void => reject(new Error(`socket closed after ${have} of ${n} bytes`));
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/** Fails after `ms` instead of hanging a test until its timeout. */
export function within<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Polls until `check` holds; throws after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * A Toxiproxy-compatible server on a free port, a node client for it, and
 * every socket and peer a test opens, all torn down by `close()`.
 */
export class Harness {
  readonly client: Toxiproxy;
  private readonly sockets = new Set<Socket>();
  private readonly peers: Peer[] = [];
  private proxyCount = 0;

  private constructor(readonly server: ToxiproxyServer) {
    this.client = new Toxiproxy(server.url);
  }

  static async start(): Promise<Harness> {
    const server = new ToxiproxyServer({ host: '127.0.0.1', port: 0 });
    await server.start();
    return new Harness(server);
  }

  async peer(onSocket: (socket: Socket) => void): Promise<Peer> {
    const peer = await tcpServer(onSocket);
    this.peers.push(peer);
    return peer;
  }

  echo(): Promise<Peer> {
    return this.peer((socket) => socket.pipe(socket));
  }

  /** A proxy on 127.0.0.1:<free port> in front of `upstream`. */
  proxy(upstream: Peer | string, name = `proxy${++this.proxyCount}`): Promise<ClientProxy> {
    const address = typeof upstream === 'string' ? upstream : upstream.address;
    return this.client.createProxy({ name, listen: '127.0.0.1:0', upstream: address });
  }

  /** Connects to a "host:port" (e.g. a proxy's listen address). */
  connect(address: string): Promise<Socket> {
    const colon = address.lastIndexOf(':');
    const socket = netConnect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)), allowHalfOpen: true });
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** A raw API request, to see status codes and bodies as the server sends them. */
  async call(method: string, path: string, body?: unknown) {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${this.server.url}${path}`, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, type: res.headers.get('content-type'), headers: res.headers };
  }

  /** Time for one small message to go through `socket` to an echo peer and back. */
  async roundTrip(socket: Socket, message = 'ping'): Promise<number> {
    const start = performance.now();
    const reply = readBytes(socket, Buffer.byteLength(message));
    socket.write(message);
    await reply;
    return performance.now() - start;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await this.server.stop();
    await Promise.all(this.peers.map((p) => p.close()));
  }
}
