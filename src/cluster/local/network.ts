/**
 * The run's Toxiproxy-compatible proxy (src/proxy) as a process of its own,
 * so that its data path never shares an event loop with the workload, and
 * the links it carries (driven by src/cluster/proxied-links.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HOST, type Topology } from './topology.js';
import { ProxiedLinks } from '../proxied-links.js';
import type { ProcessSpec } from './process.js';

/** The compiled standalone server; from sources (tests), the build's copy. */
function proxyMain(): string {
  const beside = fileURLToPath(new URL('../../proxy/main.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../../dist/proxy/main.js', import.meta.url));
}

export function proxyProcessSpec(t: Topology): ProcessSpec {
  return {
    name: 'toxiproxy',
    command: process.execPath,
    args: [proxyMain(), '--host', HOST, '--port', String(t.network.apiPort), '--config', `${t.runDir}/proxies.json`],
    logFile: t.network.logFile,
  };
}

/** The run's links as the shared proxy driver takes them (all on loopback). */
export function proxiedLinks(t: Topology): ProxiedLinks {
  return new ProxiedLinks(toxiproxyUrl(t), t.network.links.map((l) => ({
    name: l.name, member: l.member, kind: l.kind, speaks: l.speaks,
    listen: `${HOST}:${l.port}`, upstream: `${HOST}:${l.upstream}`, probe: { host: HOST, port: l.port },
  })));
}

/** The /populate body that creates every link of the run, for the server's --config. */
export function proxiesConfig(t: Topology): string {
  return JSON.stringify(proxiedLinks(t).proxyList(), null, 2);
}

export function toxiproxyUrl(t: Topology): string {
  return t.network.externalApi ?? `http://${HOST}:${t.network.apiPort}`;
}
