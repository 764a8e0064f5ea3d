import type { ClusterProvider, ProviderEntry, ProviderOptions, StartedCluster } from '../types.js';
import { DOCKER_ETCD, DOCKER_MEMBERS } from './docker-cluster.js';
import { RELEASES, type Release } from './images.js';
import { startDockerCluster } from './start.js';

class DockerProvider implements ClusterProvider {
  readonly name = 'docker';
  constructor(private readonly o: ProviderOptions) {}

  start(options: { onProgress?: (message: string) => void }): Promise<StartedCluster> {
    return startDockerCluster({
      release: (this.o.release ?? 'bookworm') as Release,
      replication: this.o.replication,
      patroni: this.o.patroni,
      startTimeoutMs: this.o.startTimeoutMs,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
}

/**
 * Containers of locally built images, one per etcd member, Patroni member
 * and HAProxy: whole hosts to kill and freeze, links cut with iptables.
 * Host ports are chosen free by the daemon's publisher (no port base), and
 * nothing is kept after a run (no --keep-cluster).
 */
export const DOCKER: ProviderEntry = {
  name: 'docker',
  capabilities: new Set(['process-control', 'patroni-signal', 'patroni-rest', 'link-cut', 'link-loss', 'host-partition', 'exec']),
  members: DOCKER_MEMBERS,
  etcdMembers: DOCKER_ETCD,
  releases: RELEASES,
  missing: {
    'link-shape': 'it cannot add latency or limit bandwidth between containers (this kernel has no netem, and the provider runs no proxy between containers)',
  },
  create: (o) => new DockerProvider(o),
};
