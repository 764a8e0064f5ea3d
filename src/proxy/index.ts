/**
 * A Toxiproxy-compatible TCP proxy server: Toxiproxy 2.x's HTTP API (same
 * paths, JSON and status codes) and its TCP toxics, in this process.
 *
 *   await using server = new ToxiproxyServer({ host: '127.0.0.1', port: 0 });
 *   const url = await server.start(); // then drive it with any Toxiproxy client
 *
 * Custom toxics: implement `Toxic` (and `CleanupToxic` if removal must undo
 * something), describe it as a `ToxicKind`, and register it on a registry
 * passed as `new ToxiproxyServer({ registry })`.
 */
export { ToxiproxyServer, TOXIPROXY_VERSION, type ToxiproxyServerOptions } from './server.js';
export { ProxyCollection, type PopulateResult, type ProxyInput } from './collection.js';
export { Proxy, type ProxyJSON, type ProxySettings } from './proxy.js';
export { ToxicCollection } from './toxic-collection.js';
export { ToxicWrapper, type Direction, type ToxicJSON } from './wrapper.js';
export { ApiError } from './errors.js';
export { ToxicStub, INTERRUPTED, TIMED_OUT, type Interrupted, type TimedOut } from './stub.js';
export type { Chunk, Item } from './queue.js';
export * from './toxics/index.js';
