import { createServer, type Server } from 'node:http';
import { formatAddress, resolveBindHost } from './address.js';
import { createApiHandler } from './api.js';
import { ProxyCollection } from './collection.js';
import { defaultToxicRegistry } from './toxics/index.js';
import type { ToxicRegistry } from './toxics/registry.js';

/** The Toxiproxy release whose API this server speaks; reported by GET /version. */
export const TOXIPROXY_VERSION = '2.12.0';

export interface ToxiproxyServerOptions {
  /** Address for the HTTP API; Toxiproxy's default is localhost. */
  host?: string;
  /** Port for the HTTP API; 0 picks a free one. Toxiproxy's default is 8474. */
  port?: number;
  /** Toxic types on offer; defaults to Toxiproxy's built-in set. */
  registry?: ToxicRegistry;
  version?: string;
}

/** A Toxiproxy-compatible server: HTTP API plus the proxies it manages, in this process. */
export class ToxiproxyServer {
  readonly proxies: ProxyCollection;
  private readonly host: string;
  private readonly port: number;
  private readonly version: string;
  private http: Server | undefined;
  private address = '';

  constructor(options: ToxiproxyServerOptions = {}) {
    this.host = options.host ?? 'localhost';
    this.port = options.port ?? 8474;
    this.version = options.version ?? TOXIPROXY_VERSION;
    this.proxies = new ProxyCollection(options.registry ?? defaultToxicRegistry());
  }

  /** Starts the HTTP API; resolves to its base URL, e.g. http://127.0.0.1:8474. */
  async start(): Promise<string> {
    if (this.http !== undefined) return this.url;
    const http = createServer(createApiHandler(this.proxies, this.version));
    const host = await resolveBindHost(this.host);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen({ host, port: this.port }, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.http = http;
    this.address = formatAddress(http.address());
    return this.url;
  }

  /** "host:port" the API listens on, once started. */
  get listen(): string {
    return this.address;
  }

  get url(): string {
    return `http://${this.address}`;
  }

  /** Stops the API and every proxy, closing all their connections. */
  async stop(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    await this.proxies.clear();
    if (http === undefined) return;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    // Clients such as fetch keep connections alive; they must not hold the server open.
    http.closeAllConnections();
    await closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
