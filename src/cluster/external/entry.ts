import { liveClusters } from '../live.js';
import type { Capability, ClusterProvider, ProviderEntry, StartedCluster } from '../types.js';
import type { ClusterFile } from './cluster-file.js';
import { confirmExternal } from './confirm.js';
import { ExternalCluster } from './external-cluster.js';

/** What the cluster file makes possible, and why the rest is not. */
function abilities(f: ClusterFile): { capabilities: Set<Capability>; missing: Partial<Record<Capability, string>> } {
  // The file names every etcd member's client URL, and a leadership move leaves nothing to undo.
  const capabilities = new Set<Capability>(['patroni-rest', 'dcs-leadership']);
  const missing: Partial<Record<Capability, string>> = {
    'patroni-signal': 'Patroni is taken to be its container\'s PID 1, so killing it would end its PostgreSQL too (use the kill fault)',
    'link-shape': 'it cannot add latency or limit bandwidth on an existing cluster\'s links',
    'host-partition': 'partitions between whole hosts are not offered on a cluster the harness did not start',
    'cpu-limit': 'the harness does not change the resources of containers it did not start (a heal lost with the harness would leave a host starved)',
  };
  const bare = [...f.members, ...f.etcd].filter((n) => n.container === undefined).map((n) => n.name);
  if (bare.length === 0) {
    capabilities.add('process-control');
    capabilities.add('exec');
  } else {
    missing['process-control'] = `${f.file} names no container for ${bare.join(', ')}`;
    missing.exec = `${f.file} names no container for ${bare.join(', ')}: there is nowhere to run the command`;
  }
  if (bare.length > 0 || f.haproxy.container === undefined) {
    missing['link-cut'] = `${f.file} must name a container for every member, etcd member and HAProxy to cut links`;
  } else if (!f.iptables) {
    missing['link-cut'] = `${f.file} says iptables: false (set it to true once every container has NET_ADMIN and iptables)`;
  } else {
    capabilities.add('link-cut');
    capabilities.add('link-loss');
  }
  // Packet loss is iptables rules in the same containers, so it needs what a cut needs.
  if (missing['link-cut'] !== undefined) missing['link-loss'] = missing['link-cut'];
  return { capabilities, missing };
}

/**
 * The logs a run can read: each container's output since attach (docker
 * logs), so a component whose containers the file does not all name has none
 * to search; the field to fill is named.
 */
function logs(f: ClusterFile): NonNullable<ProviderEntry['logs']> {
  const bare = (list: readonly { name: string; container?: string }[], field: string) => list.flatMap((n, i) => (n.container === undefined ? [`${n.name} (${field}[${i}].container)`] : []));
  const why = (names: string[]) => `${f.file} names no container for ${names.join(', ')}: the harness reads logs with docker logs`;
  const members = bare(f.members, 'members');
  const etcd = bare(f.etcd, 'etcd');
  const unreadable: Record<string, string> = {
    ...(members.length > 0 ? { patroni: why(members), postgres: why(members) } : {}),
    ...(etcd.length > 0 ? { etcd: why(etcd) } : {}),
    ...(f.haproxy.container === undefined ? { haproxy: why(['HAProxy (haproxy.container)']) } : {}),
  };
  return Object.keys(unreadable).length > 0 ? { unreadable } : {};
}

/** The external provider for one cluster file: capabilities and names come from the file. */
export function externalEntry(f: ClusterFile): ProviderEntry {
  const { capabilities, missing } = abilities(f);
  return {
    name: 'external',
    capabilities,
    missing,
    logs: logs(f),
    members: f.members.map((m) => m.name),
    etcdMembers: f.etcd.map((e) => e.name),
    confirm: (c) => confirmExternal(f, c),
    parallel: { refused: `it attaches to the one cluster ${f.file} describes: two runs at once would fault it under each other and each judge the other's faults` },
    create: (o): ClusterProvider => ({
      name: 'external',
      async start({ onProgress }): Promise<StartedCluster> {
        const c = new ExternalCluster(f);
        const ignored = Object.entries(o.patroni).map(([k, v]) => `${k} ${String(v)}`);
        if (ignored.length > 0) onProgress?.(`the scenario's Patroni settings (${ignored.join(', ')}) are not applied: an external cluster keeps its own`);
        try {
          await c.attach({ replication: o.replication, startTimeoutMs: o.startTimeoutMs, ...(onProgress ? { onProgress } : {}) });
        } catch (err) {
          liveClusters.delete(c); // nothing was done to it: nothing to undo
          throw err;
        }
        return c;
      },
    }),
  };
}
