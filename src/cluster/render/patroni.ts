import { stringify } from 'yaml';
import { optional } from '../../optional.js';
import { shellQuote } from './shell-quote.js';
import { copyCommand, stagedDataDir } from '../local/pg-template.js';
import { HOST, linkPort, type MemberSpec, type Topology } from '../local/topology.js';

/**
 * patroni.yml text. Patroni reads YAML 1.1 (PyYAML), where a bare on, off,
 * yes or no is a boolean: written as YAML 1.1, such strings are quoted and
 * reach Patroni (and its DCS /config) as the strings the scenario gave.
 */
export function patroniYaml(config: Record<string, unknown>): string {
  return stringify(config, { version: '1.1' });
}

/** initdb's options, as Patroni's bootstrap.initdb list spells them: the same for every provider. */
export const INITDB_OPTIONS: ReadonlyArray<string | Record<string, string>> = [{ encoding: 'UTF8' }, { locale: 'C' }, 'data-checksums'];

/**
 * bootstrap.post_bootstrap: the member that bootstraps the cluster creates the
 * other members' replication slots, as Patroni's own would a loop later.
 * Patroni runs it before it takes the leader key, so the slots exist before
 * any replica can build itself from the leader; otherwise a replica that
 * finishes its basebackup within the leader's first loop finds no slot, and
 * PostgreSQL retries the stream only after wal_retrieve_retry_interval (5 s).
 * Slot names are Patroni's for these member names (lower-case letters, digits
 * and _, kept as they are). Undefined when the cluster does not use slots.
 */
export function slotsPostBootstrap(binDir: string, self: string, members: readonly string[], dcs: Record<string, unknown>): string | undefined {
  if (isOff((dcs['postgresql'] as { use_slots?: unknown } | undefined)?.use_slots)) return undefined;
  const others = members.filter((n) => n !== self);
  for (const n of others) if (!/^[a-z0-9_]{1,63}$/.test(n)) throw new Error(`member name ${n} is not its own replication slot name`);
  if (others.length === 0) return undefined;
  const sql = `SELECT pg_catalog.pg_create_physical_replication_slot(n, true) FROM unnest(ARRAY[${others.map((n) => `'${n}'`).join(',')}]) AS n WHERE n NOT IN (SELECT slot_name FROM pg_catalog.pg_replication_slots)`;
  // Patroni splits it as a shell would and appends the connection string, which psql takes as its database.
  return `${shellQuote(`${binDir}/psql`)} -X -q -o /dev/null -v ON_ERROR_STOP=1 -c ${shellQuote(sql)}`;
}

/** A setting Patroni reads as off: false, 0, null, or off/false/no/0 spelt as a string (its parse_bool). */
function isOff(v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v === 'string') return ['off', 'false', 'no', '0'].includes(v.trim().toLowerCase());
  return v === false || v === 0 || v === null;
}

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
      ...(o.template === undefined ? {} : { method: 'template', template: { command: copyCommand(o.template, m.dataDir, stagedDataDir(t.runDir)), no_params: true } }),
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
      // A fast checkpoint: otherwise pg_basebackup waits for a spread one and a replica takes minutes to build.
      basebackup: [{ checkpoint: 'fast' }],
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
