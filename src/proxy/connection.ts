import type { Socket } from 'node:net';
import { splitHostPort } from './address.js';
import { connectSource, type Source } from './large-reads.js';
import { Link } from './link.js';
import type { ToxicCollection } from './toxic-collection.js';

/**
 * A client connection and its upstream, joined by two links. Ends propagate
 * per direction (half-close); a toxic ending one direction, or a socket
 * failing, winds down both, as closing a socket does in Toxiproxy.
 */
export class Connection {
  private upstream: Socket | undefined;
  private readonly client: Socket;
  private links: Link[] = [];
  private winding = false;
  private closed = false;

  constructor(
    private readonly clientSource: Source,
    private readonly upstreamAddress: string,
    private readonly toxics: ToxicCollection,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    this.client = clientSource.socket;
  }

  open(): void {
    this.client.setNoDelay(true);
    this.client.on('error', () => undefined);
    this.client.on('close', () => this.socketClosed());
    let target;
    try {
      target = splitHostPort(this.upstreamAddress);
    } catch {
      this.client.destroy();
      return;
    }
    const upstream = connectSource({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    this.upstream = upstream.socket;
    upstream.socket.on('error', () => undefined);
    upstream.socket.on('close', () => this.socketClosed());
    upstream.socket.once('connect', () => this.join(upstream));
  }

  get bufferedBytes(): number {
    return this.links.reduce((sum, link) => sum + link.bufferedBytes, 0);
  }

  /** Drops both sockets now (proxy disabled or deleted). */
  destroy(): void {
    this.client.destroy();
    this.upstream?.destroy();
    this.dispose();
  }

  /** Aborts both sockets with RST. */
  reset(): void {
    for (const socket of [this.client, this.upstream]) {
      if (socket !== undefined && !socket.destroyed) socket.resetAndDestroy();
    }
    this.dispose();
  }

  private join(upstream: Source): void {
    if (this.closed || this.client.destroyed) {
      upstream.socket.destroy();
      return;
    }
    const events = { finished: (link: Link) => this.linkFinished(link), reset: () => this.reset() };
    const up = new Link('upstream', this.clientSource, upstream.socket, this.toxics.chain('upstream'), events);
    const down = new Link('downstream', upstream, this.client, this.toxics.chain('downstream'), events);
    this.links = [up, down];
    for (const link of this.links) this.toxics.attach(link);
    up.start();
    down.start();
  }

  private linkFinished(link: Link): void {
    if (link.terminated) this.windDown();
    if (this.links.every((l) => l.done)) this.closeSockets();
  }

  /** Both directions stop reading and flush what their toxics still hold. */
  private windDown(): void {
    if (this.winding) return;
    this.winding = true;
    for (const link of this.links) link.stopReading();
  }

  private closeSockets(): void {
    for (const socket of [this.client, this.upstream]) {
      if (socket === undefined || socket.destroyed) continue;
      if (socket.writableFinished) socket.destroy();
      else socket.once('finish', () => socket.destroy());
    }
  }

  private socketClosed(): void {
    const sockets = [this.client, this.upstream];
    if (this.links.length === 0 || sockets.every((s) => s === undefined || s.destroyed)) return this.destroy();
    // One side went away: the direction writing to it stops, the other flushes and ends.
    this.windDown();
    for (const link of this.links) {
      const dest = link.direction === 'upstream' ? this.upstream : this.client;
      if (!link.done && (dest === undefined || dest.destroyed)) link.dispose();
    }
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links) {
      link.dispose();
      this.toxics.detach(link);
    }
    this.onClosed(this);
  }
}
