import { connect, Socket, type OnReadOpts, type SocketConstructorOpts, type TcpNetConnectOpts } from 'node:net';

/**
 * How much one read takes off a proxied socket. libuv reads 64 KiB at a time,
 * and a proxy that reads and writes 64 KiB at a time spends much of its CPU
 * on syscalls, stream bookkeeping and event-loop turns rather than on bytes:
 * reading up to 1 MiB at a time took bulk throughput from 0.67-0.71 to
 * 0.80-0.90 of a direct connection, each way, on this project's 2-core
 * machine (`BENCH_BASE=<checkout> node bench/proxy.mjs`, side by side; 4 MiB
 * did no better). The kernel writes only the bytes that arrive, so a
 * connection that carries small messages touches a page or two of its
 * buffer, not all of it.
 */
export const READ_SIZE = 1024 * 1024;

/**
 * A socket's reads into one buffer of its own (the socket's `onread` option),
 * reused for every read. A chunk handed to the handler is a view of that
 * buffer: it stays valid only until the handler returns, unless the handler
 * pauses the socket, in which case it stays valid until the socket is resumed
 * (a paused socket reads nothing, so nothing overwrites the buffer).
 */
export class LargeReads {
  private handler: ((chunk: Buffer) => void) | undefined;
  /** Chunks that came before a handler was attached, copied: none should, as sockets start paused. */
  private early: Buffer[] = [];
  readonly onread: OnReadOpts = {
    buffer: Buffer.allocUnsafe(READ_SIZE),
    callback: (bytes, buffer) => {
      const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
      if (this.handler === undefined) this.early.push(Buffer.from(chunk));
      else this.handler(chunk);
      // Pausing is the handler's to do, through the socket.
      return true;
    },
  };

  attach(handler: (chunk: Buffer) => void): void {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const chunk of early) handler(chunk);
  }
}

/** A socket the proxy reads from, and its own read buffer when it has one. */
export interface Source {
  readonly socket: Socket;
  readonly reads: LargeReads | undefined;
}

/** Node's private field for the libuv handle under a net.Socket. */
interface HandleHolder {
  _handle: unknown;
}

/** Options net.Server itself passes when it makes a socket for an accepted handle (lib/net.js onconnection). */
interface AcceptedSocketOpts extends SocketConstructorOpts {
  handle: unknown;
  pauseOnCreate: boolean;
}

/**
 * A socket a server accepted (with `pauseOnConnect`, so it has read nothing),
 * made again on the same handle with a read buffer of its own: net.Server
 * offers no `onread` option. The first socket is destroyed without its handle,
 * which keeps the server's connection count right and closes nothing. Where
 * Node's private parts are not as expected, the socket stays as it is and
 * reads 64 KiB at a time.
 */
export function acceptedSource(accepted: Socket): Source {
  const holder = accepted as unknown as HandleHolder;
  const handle = holder._handle;
  if (!isStreamHandle(handle) || accepted.readableFlowing === true) return { socket: accepted, reads: undefined };
  const reads = new LargeReads();
  const options: AcceptedSocketOpts = {
    handle,
    allowHalfOpen: accepted.allowHalfOpen,
    pauseOnCreate: true,
    readable: true,
    writable: true,
    onread: reads.onread,
  };
  const socket = new Socket(options);
  holder._handle = null;
  accepted.destroy();
  return { socket, reads };
}

/** An outgoing connection with a read buffer of its own, paused until its reader starts it. */
export function connectSource(options: TcpNetConnectOpts): Source {
  const reads = new LargeReads();
  const socket = connect({ ...options, onread: reads.onread });
  // Paused before it connects, it does not start reading when it does.
  socket.pause();
  return { socket, reads };
}

function isStreamHandle(handle: unknown): boolean {
  if (typeof handle !== 'object' || handle === null) return false;
  const methods = handle as { readStart?: unknown; readStop?: unknown; useUserBuffer?: unknown };
  return typeof methods.readStart === 'function' && typeof methods.readStop === 'function' && typeof methods.useUserBuffer === 'function';
}
