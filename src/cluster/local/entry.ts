import type { ProviderEntry } from '../types.js';
import { buildTopology } from './topology.js';
import { LocalProvider } from './provider.js';

const shape = buildTopology({ runId: 'catalog', runRoot: '/' }, {});

/** Real processes on this machine: every ability, links proxied only in runs with a network fault. */
export const LOCAL: ProviderEntry = {
  name: 'local',
  capabilities: new Set(['process-control', 'patroni-signal', 'patroni-rest', 'link-cut', 'link-shape']),
  members: shape.members.map((m) => m.name),
  etcdMembers: shape.etcd.map((e) => e.name),
  missing: {
    'link-loss': "its links are TCP proxies (Toxiproxy), which carry streams, not packets, and this kernel has no netem to drop packets: packet loss needs --provider docker, or a cluster file with iptables: true",
    exec: 'its members are processes on this machine, not containers: an exec step needs --provider docker or a cluster file that names containers',
  },
  create: (o) => new LocalProvider({
    startTimeoutMs: o.startTimeoutMs,
    replication: o.replication,
    proxies: o.network,
    patroni: o.patroni,
    ...(o.portBase === undefined ? {} : { portBase: o.portBase }),
    ...(o.keepData ? { keepData: true } : {}),
    ...(o.toxiproxy ? { toxiproxy: o.toxiproxy } : {}),
  }),
};
