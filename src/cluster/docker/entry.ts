import type { ClusterProvider, ProviderEntry, ProviderOptions, StartedCluster } from '../types.js';
import { DOCKER_ETCD, DOCKER_MEMBERS, DockerCluster } from './docker-cluster.js';
import { buildImages, RELEASES, type Release } from './images.js';
import { RELEASE_INFO } from './releases.js';
import { downDocker, runningDocker } from './running.js';
import { startDockerCluster, topologyRefusal } from './start.js';

const PROXIED = "a latency or bandwidth fault sends every member's etcd, peer and client links through the run's proxy container (member -> proxy -> peer),";

class DockerProvider implements ClusterProvider {
  readonly name = 'docker';
  constructor(private readonly o: ProviderOptions) {}

  start(options: { onProgress?: (message: string) => void }): Promise<StartedCluster> {
    return startDockerCluster({
      release: (this.o.release ?? 'bookworm') as Release,
      replication: this.o.replication,
      patroni: this.o.patroni,
      startTimeoutMs: this.o.startTimeoutMs,
      // Cuts alone are iptables rules between the containers (real dropped packets, no proxy in the path);
      // a latency or bandwidth fault, or a Toxiproxy the user names, puts the links through a proxy.
      proxied: this.o.shapedLinks === true || (this.o.network && this.o.toxiproxy !== undefined),
      ...(this.o.toxiproxy === undefined ? {} : { toxiproxy: this.o.toxiproxy }),
      ...(this.o.topology === undefined ? {} : { topology: this.o.topology }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
}

/**
 * Containers of locally built images, one per etcd member, Patroni member
 * and HAProxy: whole hosts to kill and freeze, links cut with iptables; in a
 * run with a latency or bandwidth fault, the links go through the project's
 * Toxiproxy-API server in a container of the run (or the user's Toxiproxy on
 * the docker host, --toxiproxy). Host ports are chosen free (no port base),
 * and nothing is kept after a run (no --keep-cluster).
 */
export const DOCKER: ProviderEntry = {
  name: 'docker',
  capabilities: new Set(['process-control', 'patroni-signal', 'patroni-rest', 'link-cut', 'link-shape', 'link-loss', 'host-partition', 'exec', 'dcs-leadership', 'cpu-limit']),
  members: DOCKER_MEMBERS,
  etcdMembers: DOCKER_ETCD,
  releases: RELEASES,
  topologies: ['minimal', 'seeds'],
  topologyRefusal: (topology, _release, o) => topologyRefusal(topology, o.shapedLinks),
  missing: {
  },
  // Each container's output (Patroni's with its PostgreSQL's), copied at stop.
  logs: {},
  // A latency or bandwidth fault sends every member's etcd, peer and client links through the proxy container
  // (proxied-links.ts); rules matching the other containers' addresses then miss the cluster's traffic.
  exclusive: [
    { capability: 'host-partition', with: 'link-shape', why: `${PROXIED} so its rules between the hosts' container addresses would leave the cluster's own traffic flowing (run them in separate scenarios)` },
    { capability: 'link-loss', with: 'link-shape', why: `${PROXIED} so its rules on the member's and its peers' addresses would drop none of the cluster's own traffic, while the proof's packets, sent between the containers directly, showed a loss (run them in separate scenarios)` },
  ],
  versions: (release) => {
    const r = (release ?? 'bookworm') as Release;
    return { versions: RELEASE_INFO[r].versions, source: `release ${r} (Debian ${RELEASE_INFO[r].suite}, as measured ${RELEASE_INFO[r].measured})` };
  },
  create: (o) => new DockerProvider(o),
  // Each run has its own network, containers, proxy container and free host ports (labelled with its run id).
  parallel: { portBlock: 0 },
  running: runningDocker,
  down: downDocker,
  prepare: async (release, onProgress) => {
    const r = await buildImages({ release: release as Release, onProgress });
    return `${release}: ${r.built.length === 0 ? 'up to date' : `built ${r.built.map((b) => `${b.kind} ${(b.ms / 1000).toFixed(1)} s`).join(', ')}`} (${(r.ms / 1000).toFixed(1)} s): ${Object.values(r.tags).join(' ')}`;
  },
  describe: (c) => {
    if (!(c instanceof DockerCluster)) return [];
    return [
      ...c.members.map((m) => `  ${m.name}: container ${c.node(m.name).container}, ${c.node(m.name).ip}`),
      ...(c.vip === undefined ? [] : [`  VIP ${c.vip} over ${c.haproxies.map((h) => `${h} (${c.node(h).ip})`).join(' and ')}, keepalived VRRP; PgBouncer on :6432 of every member`]),
      `patronictl: docker exec ${c.node('patroni1').container} patronictl list`,
    ];
  },
};
