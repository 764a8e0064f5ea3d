/** patroni.yml of the local provider: every member on loopback, through its link proxies when the run has them. */
import { BASEBACKUP_OPTIONS, copyCommand, INITDB_OPTIONS, patroniYaml, slotsPostBootstrap, templateBootstrap } from '../render/patroni.js';
import { optional } from '../../optional.js';
import { stagedDataDir } from './pg-template.js';
import { HOST, linkPort, type MemberSpec, type Topology } from './topology.js';

export interface PatroniRenderOptions {
  binDir: string;
  /** bootstrap.dcs when the cluster boots with other settings than the scenario's (see bootDcs); t.dcs otherwise. */
  bootstrapDcs?: Record<string, unknown>;
  /** A data directory made by initdb with INITDB_OPTIONS, copied instead of running initdb (pg-template.ts). */
  template?: string;
}

/** patroni.yml for one member, from the topology alone. */
export function renderPatroniConfig(t: Topology, m: MemberSpec, o: PatroniRenderOptions): string {
  const c = t.credentials;
  // A proxied member reaches etcd only through its own proxies; `use_proxies` keeps Patroni
  // from discovering the direct member addresses behind them. Other members reach it through
  // its peer proxies, which is what its connect addresses advertise.
  const etcdHosts = t.proxied
    ? t.network.links.filter((l) => l.member === m.name && l.kind === 'dcs').map((l) => `${HOST}:${l.port}`)
    : t.etcd.map((e) => `${HOST}:${e.clientPort}`);
  const config = {
    scope: t.scope,
    namespace: '/service/',
    name: m.name,
    log: { level: 'INFO' },
    restapi: {
      listen: `${HOST}:${m.restPort}`,
      connect_address: `${HOST}:${linkPort(t, m.name, 'rest-peer', m.restPort)}`,
      authentication: t.credentials.rest,
    },
    etcd3: { hosts: etcdHosts, protocol: 'http', ...(t.proxied ? { use_proxies: true } : {}) },
    bootstrap: {
      dcs: o.bootstrapDcs ?? t.dcs,
      initdb: INITDB_OPTIONS,
      ...optional({ post_bootstrap: slotsPostBootstrap(o.binDir, m.name, t.members.map((x) => x.name), t.dcs) }),
      ...(o.template === undefined ? {} : templateBootstrap(copyCommand(o.template, m.dataDir, stagedDataDir(t.runDir)))),
    },
    postgresql: {
      listen: `${HOST}:${m.pgPort}`,
      connect_address: `${HOST}:${linkPort(t, m.name, 'pg-peer', m.pgPort)}`,
      data_dir: m.dataDir,
      bin_dir: o.binDir,
      pgpass: m.pgpass,
      authentication: {
        superuser: c.superuser,
        replication: c.replication,
        rewind: c.rewind,
      },
      basebackup: BASEBACKUP_OPTIONS,
      parameters: {
        unix_socket_directories: m.socketDir,
        shared_buffers: '32MB',
        logging_collector: 'off',
      },
      pg_hba: [
        'local all all trust',
        `host replication ${c.replication.username} ${HOST}/32 scram-sha-256`,
        `host all all ${HOST}/32 scram-sha-256`,
      ],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
  return patroniYaml(config);
}
