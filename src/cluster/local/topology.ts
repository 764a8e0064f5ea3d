/**
 * The one topology model every config is rendered from: names, ports and
 * paths of a 3-member Patroni cluster with a 3-member etcd and one HAProxy.
 * Every port of a run lies in [base, base + PORT_BLOCK), so two runs with
 * bases PORT_BLOCK apart never collide.
 */
import { join } from 'node:path';
import type { Replication } from '../../scenario/types.js';
import { newCredentials } from '../credentials.js';
import type { Credentials, LinkKind } from '../types.js';

export const PORT_BLOCK = 100;
export const DEFAULT_PORT_BASE = 5000;
export const HOST = '127.0.0.1';

export interface MemberSpec {
  name: string;
  index: number;
  pgPort: number;
  restPort: number;
  dir: string;
  dataDir: string;
  socketDir: string;
  configFile: string;
  pgpass: string;
  logFile: string;
}

export interface EtcdSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  logFile: string;
}

export interface HaproxySpec {
  primaryPort: number;
  replicaPort: number;
  anyPort: number;
  statsPort: number;
  configFile: string;
  logFile: string;
}


/** A proxied link: a Toxiproxy proxy listening on `port` in front of `upstream`. */
export interface LinkSpec {
  name: string;
  /** The member whose traffic crosses the link. */
  member: string;
  kind: LinkKind;
  port: number;
  upstream: number;
  /** The upstream's protocol, for a probe that gets it to answer. */
  speaks: 'etcd' | 'postgres' | 'patroni-rest';
}

export interface NetworkSpec {
  /** Port of the run's own Toxiproxy-compatible API (unused with an external Toxiproxy). */
  apiPort: number;
  /** A Toxiproxy the user runs, which the harness then uses instead of starting its own. */
  externalApi?: string;
  logFile: string;
  links: LinkSpec[];
}


/** The run's Prometheus and Alertmanager (run when the machine has them). */
export interface MonitoringSpec {
  prometheusPort: number;
  alertmanagerPort: number;
  /** Their configuration, rule files and storage. */
  dir: string;
  prometheusLog: string;
  alertmanagerLog: string;
}

export interface Topology {
  runId: string;
  runDir: string;
  /** Patroni scope (cluster name) in the DCS. */
  scope: string;
  portBase: number;
  replication: Replication;
  /** Effective Patroni bootstrap.dcs settings (documented defaults + scenario overrides). */
  dcs: Record<string, unknown>;
  members: MemberSpec[];
  etcd: EtcdSpec[];
  haproxy: HaproxySpec;
  /** Proxies on each member's links, used when the run has network faults. */
  network: NetworkSpec;
  /** Whether the links go through the proxies in this run. */
  proxied: boolean;
  monitoring: MonitoringSpec;
  credentials: Credentials;
  /** Name of the database and table the workload writes. */
  database: string;
}

export interface TopologyOptions {
  runId: string;
  runRoot: string;
  portBase?: number;
  replication?: Replication;
  dcs?: Record<string, unknown>;
  size?: number;
  proxied?: boolean;
  /** Base URL of an external Toxiproxy to carry the links. */
  toxiproxy?: string;
  /** The run's passwords; fresh ones when absent. */
  credentials?: Credentials;
}

export function allPorts(t: Topology): number[] {
  const h = t.haproxy;
  return [
    h.primaryPort, h.replicaPort, h.anyPort, h.statsPort,
    ...t.members.flatMap((m) => [m.pgPort, m.restPort]),
    ...t.etcd.flatMap((e) => [e.clientPort, e.peerPort]),
    ...(t.network.externalApi ? [] : [t.network.apiPort]),
    ...t.network.links.map((l) => l.port),
    t.monitoring.prometheusPort, t.monitoring.alertmanagerPort,
  ];
}

export function buildTopology(o: TopologyOptions, dcs: Record<string, unknown>): Topology {
  const base = o.portBase ?? DEFAULT_PORT_BASE;
  const size = o.size ?? 3;
  const runDir = join(o.runRoot, o.runId);
  const members = Array.from({ length: size }, (_, i): MemberSpec => {
    const dir = join(runDir, `patroni${i + 1}`);
    return {
      name: `patroni${i + 1}`,
      index: i,
      pgPort: base + 10 + i,
      restPort: base + 20 + i,
      dir,
      dataDir: join(dir, 'data'),
      socketDir: join(dir, 'sock'),
      configFile: join(dir, 'patroni.yml'),
      pgpass: join(dir, 'pgpass'),
      logFile: join(runDir, 'logs', `patroni${i + 1}.log`),
    };
  });
  const etcd = Array.from({ length: size }, (_, i): EtcdSpec => ({
    name: `etcd${i + 1}`,
    clientPort: base + 30 + i,
    peerPort: base + 40 + i,
    dataDir: join(runDir, `etcd${i + 1}`),
    logFile: join(runDir, 'logs', `etcd${i + 1}.log`),
  }));
  // Each member reaches each etcd member through a proxy of its own, so one member can be cut off alone.
  const dcsLinks = members.flatMap((m) => etcd.map((e, j): LinkSpec => ({
    name: `${m.name}-${e.name}`, member: m.name, kind: 'dcs', port: base + 60 + m.index * size + j, upstream: e.clientPort, speaks: 'etcd',
  })));
  const memberLinks = members.flatMap((m): LinkSpec[] => [
    { name: `${m.name}-pg-peer`, member: m.name, kind: 'peer', port: base + 70 + m.index, upstream: m.pgPort, speaks: 'postgres' },
    { name: `${m.name}-rest-peer`, member: m.name, kind: 'peer', port: base + 75 + m.index, upstream: m.restPort, speaks: 'patroni-rest' },
    { name: `${m.name}-pg-client`, member: m.name, kind: 'client', port: base + 80 + m.index, upstream: m.pgPort, speaks: 'postgres' },
    { name: `${m.name}-rest-client`, member: m.name, kind: 'client', port: base + 85 + m.index, upstream: m.restPort, speaks: 'patroni-rest' },
  ]);
  const links = [...dcsLinks, ...memberLinks];
  return {
    runId: o.runId,
    runDir,
    scope: 'pgchaos',
    portBase: base,
    replication: o.replication ?? 'synchronous',
    dcs,
    members,
    etcd,
    haproxy: {
      primaryPort: base,
      replicaPort: base + 1,
      anyPort: base + 2,
      statsPort: base + 3,
      configFile: join(runDir, 'haproxy.cfg'),
      logFile: join(runDir, 'logs', 'haproxy.log'),
    },
    network: { apiPort: base + 50, logFile: join(runDir, 'logs', 'toxiproxy.log'), links, ...(o.toxiproxy ? { externalApi: o.toxiproxy } : {}) },
    proxied: o.proxied ?? false,
    monitoring: {
      prometheusPort: base + 90,
      alertmanagerPort: base + 91,
      dir: join(runDir, 'monitoring'),
      prometheusLog: join(runDir, 'logs', 'prometheus.log'),
      alertmanagerLog: join(runDir, 'logs', 'alertmanager.log'),
    },
    credentials: o.credentials ?? newCredentials(),
    database: 'postgres',
  };
}

/** Where a member's traffic of a kind enters it: through its proxy when the run is proxied. */
export function linkPort(t: Topology, member: string, name: 'pg-peer' | 'rest-peer' | 'pg-client' | 'rest-client', direct: number): number {
  if (!t.proxied) return direct;
  return t.network.links.find((l) => l.name === `${member}-${name}`)?.port ?? direct;
}
