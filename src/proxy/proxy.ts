import { createServer, type Server, type Socket } from 'node:net';
import { formatAddress, listenError, resolveTcpAddr } from './address.js';
import { Connection } from './connection.js';
import { acceptedSource } from './large-reads.js';
import { Serial } from './serial.js';
import { ToxicCollection } from './toxic-collection.js';
import type { ToxicRegistry } from './toxics/registry.js';
import type { ToxicJSON } from './wrapper.js';

export interface ProxyJSON {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJSON[];
}

export interface ProxySettings {
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** A listener that joins each client to a fresh upstream connection through the proxy's toxics. */
export class Proxy {
  readonly toxics: ToxicCollection;
  enabled = false;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly serial = new Serial();

  constructor(
    readonly name: string,
    /** As given until started, then the address actually bound (port 0 becomes the real port). */
    public listen: string,
    public upstream: string,
    registry: ToxicRegistry,
  ) {
    this.toxics = new ToxicCollection(registry);
  }

  /** Starts listening; a no-op when already enabled. */
  start(): Promise<void> {
    return this.serial.run(() => this.open());
  }

  /** Closes the listener and every connection through it. */
  stop(): Promise<void> {
    return this.serial.run(() => this.close());
  }

  /** Toxiproxy's Proxy.Update: a new address restarts the proxy, dropping its connections. */
  update(settings: ProxySettings): Promise<void> {
    return this.serial.run(async () => {
      if (await this.differs(settings.listen, settings.upstream)) {
        await this.close();
        this.listen = settings.listen;
        this.upstream = settings.upstream;
      }
      if (settings.enabled && !this.enabled) await this.open();
      if (!settings.enabled && this.enabled) await this.close();
    });
  }

  /**
   * Toxiproxy's Proxy.Differs: whether these addresses call for a new
   * listener. `listen` is resolved first, so "localhost:P" is the same as a
   * bound "127.0.0.1:P"; an address that cannot be resolved throws.
   */
  async differs(listen: string, upstream: string): Promise<boolean> {
    const { text } = await resolveTcpAddr(listen);
    return text !== this.listen || upstream !== this.upstream;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Bytes held in this process across all connections: stays small while peers don't read. */
  get bufferedBytes(): number {
    let total = 0;
    for (const connection of this.connections) total += connection.bufferedBytes;
    return total;
  }

  toJSON(): ProxyJSON {
    const { name, listen, upstream, enabled } = this;
    return { name, listen, upstream, enabled, toxics: this.toxics.list().map((t) => t.toJSON()) };
  }

  private async open(): Promise<void> {
    if (this.enabled) return;
    // Errors worded as Go's net.Listen words them, which Toxiproxy passes on.
    const address = await resolveTcpAddr(this.listen).catch((err: unknown) => {
      throw new Error(`listen tcp: ${err instanceof Error ? err.message : String(err)}`);
    });
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    server.on('connection', (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error): void => reject(listenError(err, address.text));
      server.once('error', failed);
      server.listen({ host: address.bindHost, port: address.port }, () => {
        server.off('error', failed);
        resolve();
      });
    });
    server.on('error', () => undefined);
    this.server = server;
    this.listen = formatAddress(server.address());
    this.enabled = true;
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (!this.enabled || server === undefined) return;
    this.enabled = false;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    if (!this.enabled) {
      socket.destroy();
      return;
    }
    const connection = new Connection(acceptedSource(socket), this.upstream, this.toxics, (c) => this.connections.delete(c));
    this.connections.add(connection);
    connection.open();
  }
}
