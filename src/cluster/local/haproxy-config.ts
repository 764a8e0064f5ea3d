/** haproxy.cfg of the local provider. */
import { haproxyConfig } from '../render/haproxy.js';
import { HOST, linkPort, type Topology } from './topology.js';

/** The local provider's: on loopback, through the client-link proxies when the run has them. */
export function renderHaproxyConfig(t: Topology): string {
  const h = t.haproxy;
  return haproxyConfig({
    bind: HOST,
    ports: { primary: h.primaryPort, replicas: h.replicaPort, any: h.anyPort, stats: h.statsPort },
    servers: t.members.map((m) => ({ name: m.name, pg: `${HOST}:${linkPort(t, m.name, 'pg-client', m.pgPort)}`, restPort: linkPort(t, m.name, 'rest-client', m.restPort) })),
  });
}
