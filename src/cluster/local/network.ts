/**
 * The run's Toxiproxy-compatible proxy (src/proxy) as a process of its own,
 * so that its data path never shares an event loop with the workload, and
 * the links it carries, configured through its HTTP API with the standard
 * Toxiproxy client exactly as a real Toxiproxy would be.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Toxiproxy } from 'toxiproxy-node-client';
import { HOST, type LinkSpec, type Topology } from './topology.js';
import { httpProbeRequest, PG_SSL_REQUEST } from '../link-probe.js';
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

function proxyList(t: Topology) {
  return t.network.links.map((l) => ({ name: l.name, listen: `${HOST}:${l.port}`, upstream: `${HOST}:${l.upstream}`, enabled: true }));
}

/** The /populate body that creates every link of the run, for the server's --config. */
export function proxiesConfig(t: Topology): string {
  return JSON.stringify(proxyList(t), null, 2);
}

/** Creates the run's links on a Toxiproxy the harness did not start, exactly as on its own. */
export async function populateExternal(t: Topology): Promise<void> {
  await new Toxiproxy(toxiproxyUrl(t)).populate(proxyList(t));
}

/**
 * Deletes the run's links from an external Toxiproxy, which outlives the run.
 * Returns the links it could not delete, for the caller to report.
 */
export async function removeExternalLinks(t: Topology): Promise<string[]> {
  const tp = new Toxiproxy(toxiproxyUrl(t));
  const failed: string[] = [];
  for (const l of t.network.links) {
    await tp.get(l.name).then((p) => p.remove()).catch(() => failed.push(l.name));
  }
  return failed;
}

export function toxiproxyUrl(t: Topology): string {
  return t.network.externalApi ?? `http://${HOST}:${t.network.apiPort}`;
}

/** true once the API answers and every link exists. */
export async function proxiesReady(t: Topology): Promise<true | string> {
  const all = await new Toxiproxy(toxiproxyUrl(t)).getAll();
  const missing = t.network.links.filter((l) => !(l.name in all)).map((l) => l.name);
  return missing.length === 0 ? true : `proxies not created yet: ${missing.join(', ')}`;
}

/**
 * The smallest request each upstream answers at once: PostgreSQL's
 * SSLRequest (which has no room for padding), etcd's /version, Patroni's
 * /liveness (which reads no database).
 */
export function linkProbeRequest(l: LinkSpec, padBytes = 0): Buffer {
  switch (l.speaks) {
    case 'postgres': return PG_SSL_REQUEST;
    case 'etcd': return httpProbeRequest('/version', padBytes);
    case 'patroni-rest': return httpProbeRequest('/liveness', padBytes);
  }
}
