import { connect, Socket, type OnReadOpts, type SocketConstructorOpts, type TcpNetConnectOpts } from 'node:net';

/**
 * How much one read takes off a proxied socket in bulk. libuv reads 64 KiB at
 * a time, and a proxy that reads and writes 64 KiB at a time spends much of
 * its CPU on syscalls, stream bookkeeping and event-loop turns rather than on
 * bytes: reading up to 1 MiB at a time took bulk throughput from 0.67-0.71 to
 * 0.80-0.90 of a direct connection, each way, on this project's 2-core
 * machine (`BENCH_BASE=<checkout> node bench/proxy.mjs`, side by side; 4 MiB
 * did no better).
 */
export const READ_SIZE = 1024 * 1024;

/** What a socket reads into otherwise: libuv's own read size. */
export const SMALL_READ_SIZE = 64 * 1024;

/**
 * A socket's reads into buffers of its own (the socket's `onread` option),
 * reused from read to read. A chunk handed to the handler is a view of such a
 * buffer: it stays valid only until the handler returns, unless the handler
 * pauses the socket, in which case it stays valid until the socket is resumed
 * (a paused socket reads nothing, so nothing overwrites the buffer).
 *
 * Reads go into 64 KiB. Only after two reads in a row have filled their
 * buffer, and while the handler says a large chunk is welcome (it passes
 * chunks straight on; toxics would hold chunks of 1 MiB), does the next read
 * go into 1 MiB, and it stays there while reads keep filling it. A read that
 * does not fill its buffer means the kernel had no more: the next goes into
 * 64 KiB again, and the 1 MiB buffer is kept only weakly, for the next burst,
 * until the collector takes it. A connection that never bursts never
 * allocates 1 MiB, and one between bursts usually holds 64 KiB (200 idle
 * connections after a 2 MB echo each: 144 MB RSS, against 412 MB with one
 * 1 MiB buffer per socket and 124 MB reading as libuv does).
 *
 * Not always: Node asks for the next buffer only after a read that brought
 * bytes, so a burst that ends exactly on a full read (the kernel then answers
 * EAGAIN, which Node does not report) leaves the socket pointing at 1 MiB
 * until its next read. Two full reads in a row make that rarer (a lone 64 KiB
 * message does not switch); its pages are resident only where written.
 */
export class LargeReads {
  /** Returns whether the next read may go into the large buffer. */
  private handler: ((chunk: Buffer) => boolean) | undefined;
  /** Chunks that came before a handler was attached, copied: none should, as sockets start paused. */
  private early: Buffer[] = [];
  private readonly small = Buffer.allocUnsafe(SMALL_READ_SIZE);
  private large: Buffer | undefined;
  private spare: WeakRef<Buffer> | undefined;
  private current: Buffer = this.small;
  private fullReadsInARow = 0;

  readonly onread: OnReadOpts = {
    // Node asks for the buffer once when the handle is set up and again after every read.
    buffer: () => this.current,
    callback: (bytes, buffer) => {
      const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
      let largeWelcome = false;
      if (this.handler === undefined) this.early.push(Buffer.from(chunk));
      else largeWelcome = this.handler(chunk);
      this.fullReadsInARow = bytes === buffer.byteLength ? this.fullReadsInARow + 1 : 0;
      this.current = largeWelcome && this.fullReadsInARow >= 2 ? this.largeBuffer() : this.smallBuffer();
      // Pausing is the handler's to do, through the socket.
      return true;
    },
  };

  /** The buffer the next read goes into. */
  get nextBuffer(): Buffer {
    return this.current;
  }

  attach(handler: (chunk: Buffer) => boolean): void {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const chunk of early) handler(chunk);
  }

  private largeBuffer(): Buffer {
    this.large ??= this.spare?.deref() ?? Buffer.allocUnsafe(READ_SIZE);
    this.spare = undefined;
    return this.large;
  }

  private smallBuffer(): Buffer {
    if (this.large !== undefined) this.spare = new WeakRef(this.large);
    this.large = undefined;
    return this.small;
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
  readableHighWaterMark: number;
  writableHighWaterMark: number;
}

/**
 * A socket a server accepted (with `pauseOnConnect`, so it has read nothing),
 * made again on the same handle with read buffers of its own: net.Server
 * offers no `onread` option. The first socket is destroyed without its
 * handle, which closes nothing; the server then no longer counts the
 * connection (`getConnections`, `maxConnections`, `close()` not waiting for
 * it), so its owner must track and close its connections itself, as Proxy
 * does. A socket that has read anything, or Node private parts that are not
 * as expected, leave the socket as it is, reading as any socket does.
 */
export function acceptedSource(accepted: Socket): Source {
  const holder = accepted as unknown as HandleHolder;
  const handle = holder._handle;
  if (!isStreamHandle(handle)) return { socket: accepted, reads: undefined };
  // Only a paused socket that holds nothing read: what it has read would be lost with the old
  // socket, and one that is flowing may already have handed data to someone.
  if (accepted.readableFlowing !== false || accepted.readableLength > 0) return { socket: accepted, reads: undefined };
  const reads = new LargeReads();
  const options: AcceptedSocketOpts = {
    handle,
    allowHalfOpen: accepted.allowHalfOpen,
    readableHighWaterMark: accepted.readableHighWaterMark,
    writableHighWaterMark: accepted.writableHighWaterMark,
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

/** An outgoing connection with read buffers of its own, paused until its reader starts it. */
export function connectSource(options: TcpNetConnectOpts): Source {
  const reads = new LargeReads();
  const socket = connect({ ...options, onread: reads.onread });
  // Paused before it connects, it does not start reading when it does.
  socket.pause();
  return { socket, reads };
}

/** What Node's TCP handle (tcp_wrap) offers that this module relies on. */
interface StreamHandle {
  readStart: unknown;
  readStop: unknown;
  useUserBuffer: unknown;
}

function isStreamHandle(handle: unknown): handle is StreamHandle {
  if (typeof handle !== 'object' || handle === null) return false;
  const methods = handle as Partial<StreamHandle>;
  return typeof methods.readStart === 'function' && typeof methods.readStop === 'function' && typeof methods.useUserBuffer === 'function';
}
