import type { ProviderEntry } from '../types.js';
import { buildTopology, PORT_BLOCK } from './topology.js';
import { LocalProvider } from './provider.js';
import { downLocal, runningLocal } from './runs.js';
import { componentVersions, findBinaries } from './system.js';

const shape = buildTopology({ runId: 'catalog', runRoot: '/' }, {});

/** Real processes on this machine: every ability, links proxied only in runs with a network fault. */
export const LOCAL: ProviderEntry = {
  name: 'local',
  capabilities: new Set(['process-control', 'patroni-signal', 'patroni-rest', 'link-cut', 'link-shape', 'dcs-leadership']),
  members: shape.members.map((m) => m.name),
  etcdMembers: shape.etcd.map((e) => e.name),
  missing: {
    'link-loss': "its links are TCP proxies (Toxiproxy), which carry streams, not packets, and this kernel has no netem to drop packets: packet loss needs --provider docker, or a cluster file with iptables: true",
    exec: 'its members are processes on this machine, not containers: an exec step needs --provider docker or a cluster file that names containers',
    // A cgroup v2 cpu.max would need a delegated cgroup subtree the harness does not own (and v1 hosts have none): a nice value is not a cap.
    'cpu-limit': "its members are processes in the harness's own cgroup, with no cgroup of their own to cap (use --provider docker)",
  },
  // Each process's output goes to its log file (PostgreSQL's under its Patroni's, logging_collector off).
  logs: {},
  versions: () => {
    try {
      return { versions: componentVersions(findBinaries()), source: 'this machine' };
    } catch {
      return { versions: {}, source: "this machine (its components are not all installed)" };
    }
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
  running: runningLocal,
  down: downLocal,
  installed: () => componentVersions(findBinaries()),
  // Each run's ports, processes, data and etcd are its own: only the port block must differ (assertPortsFree checks it at start).
  parallel: { portBlock: PORT_BLOCK },
};
