/**
 * Configs of the docker provider's containers. Members and etcd are reached
 * by fixed IPs on the run's own bridge network (not by container names):
 * Docker's DNS forgets a container the moment it dies, which would turn a
 * killed primary into "unknown host" errors that a real network never shows.
 */
import type { Credentials } from '../types.js';
import { bootDcs } from '../render/dcs.js';
import { haproxyConfig as renderHaproxy } from '../render/haproxy.js';
import { optional } from '../../optional.js';
import { BASEBACKUP_OPTIONS, INITDB_OPTIONS, patroniYaml, slotsPostBootstrap } from '../render/patroni.js';

export interface DockerNode {
  /** Logical name: patroni1, etcd2, haproxy. */
  name: string;
  ip: string;
}

export interface RenderInput {
  runId: string;
  scope: string;
  subnet: string;
  members: DockerNode[];
  etcd: DockerNode[];
  dcs: Record<string, unknown>;
  credentials: Credentials;
  /**
   * In a run with proxied links: where the containers reach each link
   * (docker/links.ts). Patroni then reaches etcd through its own links and
   * advertises its peer links; HAProxy reaches members through their client links.
   */
  via?: (link: string) => { host: string; port: number };
}

export const PG_PORT = 5432;
/** The images link their PostgreSQL's bin dir here, whatever its major version. */
const PG_BIN_DIR = '/usr/lib/postgresql/current/bin';
export const REST_PORT = 8008;
export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
export const HAPROXY_PORTS = { primary: 5000, replicas: 5001, any: 5002, stats: 7000 } as const;

/** Patroni's data folder: a labelled named volume is mounted on its parent. */
export const PATRONI_VOLUME_PATH = '/var/lib/postgresql/patroni';
export const PATRONI_DATA_DIR = `${PATRONI_VOLUME_PATH}/data`;

export function etcdArgs(i: RenderInput, e: DockerNode): string[] {
  const initialCluster = i.etcd.map((p) => `${p.name}=http://${p.ip}:${ETCD_PEER_PORT}`).join(',');
  return [
    `--name=${e.name}`,
    '--data-dir=/var/lib/etcd/data',
    `--listen-client-urls=http://0.0.0.0:${ETCD_CLIENT_PORT}`,
    `--advertise-client-urls=http://${e.ip}:${ETCD_CLIENT_PORT}`,
    `--listen-peer-urls=http://0.0.0.0:${ETCD_PEER_PORT}`,
    `--initial-advertise-peer-urls=http://${e.ip}:${ETCD_PEER_PORT}`,
    `--initial-cluster=${initialCluster}`,
    `--initial-cluster-token=${i.runId}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
  ];
}

export function patroniConfig(i: RenderInput, m: DockerNode): string {
  const c = i.credentials;
  const via = i.via;
  const at = (link: string, direct: string) => {
    if (via === undefined) return direct;
    const e = via(`${m.name}-${link}`);
    return `${e.host}:${e.port}`;
  };
  // Through its own proxies, `use_proxies` keeps Patroni from discovering the etcd members' own addresses behind them.
  const etcd3 = via === undefined
    ? { hosts: i.etcd.map((e) => `${e.ip}:${ETCD_CLIENT_PORT}`), protocol: 'http' }
    : { hosts: i.etcd.map((e) => at(e.name, '')), protocol: 'http', use_proxies: true };
  const config = {
    scope: i.scope,
    namespace: '/service/',
    name: m.name,
    log: { level: 'INFO' },
    restapi: { listen: `0.0.0.0:${REST_PORT}`, connect_address: at('rest-peer', `${m.ip}:${REST_PORT}`), authentication: c.rest },
    etcd3,
    bootstrap: {
      // A short loop_wait to start fast; the scenario's settings go in by PATCH /config once healthy (scenario-dcs.ts).
      dcs: bootDcs(i.dcs),
      // initdb, not a copy of a template made in the image (as the local provider does): measured here, the copy
      // made the leader slower to initialize (1.0-2.4 s from its PostgreSQL's start to the leader key, against
      // 0.4 s after initdb: Patroni's first pg_isready found the copied cluster still starting and slept 1 s).
      initdb: INITDB_OPTIONS,
      ...optional({ post_bootstrap: slotsPostBootstrap(PG_BIN_DIR, m.name, i.members.map((x) => x.name), i.dcs) }),
    },
    postgresql: {
      listen: `0.0.0.0:${PG_PORT}`,
      connect_address: at('pg-peer', `${m.ip}:${PG_PORT}`),
      data_dir: PATRONI_DATA_DIR,
      bin_dir: PG_BIN_DIR,
      pgpass: '/tmp/pgpass',
      authentication: { superuser: c.superuser, replication: c.replication, rewind: c.rewind },
      basebackup: BASEBACKUP_OPTIONS,
      parameters: {
        unix_socket_directories: '/run/postgresql',
        shared_buffers: '32MB',
        logging_collector: 'off',
      },
      // Only the run's own network: the members, HAProxy, and the harness, whose connections
      // through Docker's published ports arrive from the bridge gateway, inside the subnet.
      pg_hba: [
        'local all all trust',
        `host replication ${c.replication.username} ${i.subnet} scram-sha-256`,
        // A replica's Patroni reads its own timeline over a replication connection to localhost.
        `host replication ${c.replication.username} 127.0.0.1/32 scram-sha-256`,
        `host all all ${i.subnet} scram-sha-256`,
        'host all all 127.0.0.1/32 scram-sha-256',
      ],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
  return patroniYaml(config);
}

/**
 * The local provider's HAProxy semantics (render/haproxy.ts), over the
 * members' bridge addresses, or their client links in a proxied run (a
 * member's pg-client and rest-client links are on one host, as `check port` needs).
 */
export function haproxyConfig(members: DockerNode[], via?: RenderInput['via']): string {
  return renderHaproxy({
    bind: '*', ports: HAPROXY_PORTS,
    servers: members.map((m) => {
      if (via === undefined) return { name: m.name, pg: `${m.ip}:${PG_PORT}`, restPort: REST_PORT };
      const pg = via(`${m.name}-pg-client`);
      const rest = via(`${m.name}-rest-client`);
      if (rest.host !== pg.host) throw new Error(`${m.name}'s client links are on two hosts (${pg.host}, ${rest.host}): HAProxy checks on the session's host`);
      return { name: m.name, pg: `${pg.host}:${pg.port}`, restPort: rest.port };
    }),
  });
}
