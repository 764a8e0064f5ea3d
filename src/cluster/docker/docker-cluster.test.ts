import { afterEach, describe, expect, it } from 'vitest';
import { liveClusters } from '../live.js';
import { ProxiedLinks } from '../proxied-links.js';
import { DOCKER_ETCD, DOCKER_MEMBERS, DockerCluster, type DockerNodeInfo } from './docker-cluster.js';
import { ETCD_CLIENT_PORT, HAPROXY_PORTS, PG_PORT, REST_PORT } from './render.js';

/** A cluster object over containers that do not exist: only what the faults check before touching docker is exercised. */
function cluster(proxied: boolean): DockerCluster {
  const ports = { [PG_PORT]: 1, [REST_PORT]: 2, [ETCD_CLIENT_PORT]: 3, ...Object.fromEntries(Object.values(HAPROXY_PORTS).map((p) => [p, 4])) };
  const node = (name: string, role: DockerNodeInfo['role'], i: number): [string, DockerNodeInfo] => [name, { name, role, ip: `10.9.0.${i}`, container: `no-such-container-${name}`, ports }];
  const nodes = new Map([...DOCKER_ETCD.map((n, i) => node(n, 'etcd', 10 + i)), ...DOCKER_MEMBERS.map((n, i) => node(n, 'patroni', 20 + i)), node('haproxy', 'haproxy', 30)]);
  const runLinks = proxied ? { proxies: new ProxiedLinks('http://127.0.0.1:1', []), table: [] } : undefined;
  // Network, images and credentials are not read by the refusals under test.
  const c = new DockerCluster('t', '/nonexistent', 'bookworm', 'synchronous', {}, {} as never, {} as never, nodes, {} as never, runLinks);
  made.push(c);
  return c;
}

const made: DockerCluster[] = [];
afterEach(() => {
  for (const c of made.splice(0)) liveClusters.delete(c);
});

describe('docker: iptables faults in a run whose links go through the proxy', () => {
  it('refuses packet loss before any rule, since its bursts would prove a loss the proxied traffic never had', async () => {
    await expect(cluster(true).loseLinks('patroni1', ['peer'], 0.3)).rejects.toThrow(/drop-packets cannot thin patroni1's links in docker run t: its links go through the link proxy/);
  });

  it('refuses a host partition, whose rules between the hosts would leave the proxied links open', async () => {
    await expect(cluster(true).grudge(new Map([['host1', ['host2']]]))).rejects.toThrow(/partition-hosts cannot partition the hosts in docker run t: its links go through the link proxy/);
  });
});
