export { ToxiproxyServer, TOXIPROXY_VERSION, type ToxiproxyServerOptions } from './server.js';
export { ProxyCollection, type PopulateResult, type ProxyInput } from './collection.js';
export { Proxy, type ProxyJSON, type ProxySettings } from './proxy.js';
export { ToxicCollection } from './toxic-collection.js';
export { ToxicWrapper, type Direction, type ToxicJSON } from './wrapper.js';
export { ApiError } from './errors.js';
export { ToxicStub, INTERRUPTED, TIMED_OUT, type Interrupted, type TimedOut } from './stub.js';
export type { Chunk, Item } from './queue.js';
export * from './toxics/index.js';
