/**
 * Patroni's dynamic (bootstrap.dcs) settings: the documents' values as
 * defaults (slas.md, "Default cluster settings"), the scenario's keys on top.
 */
import type { Replication } from '../../scenario/types.js';

export const DOCUMENTED_DCS = {
  ttl: 30,
  loop_wait: 10,
  retry_timeout: 10,
  maximum_lag_on_failover: 1048576,
  maximum_lag_on_syncnode: -1,
  master_start_timeout: 300,
} as const;

/**
 * Synchronous replication uses Patroni's synchronous_mode rather than a
 * hand-set synchronous_standby_names = 'ANY 1 (*)': Patroni 3.0 rewrites that
 * parameter itself, and only synchronous_mode makes it fail over to a standby
 * known to hold every acknowledged commit, which is what RPO 0 rests on.
 */
function replicationSettings(replication: Replication): Record<string, unknown> {
  return replication === 'synchronous'
    ? { synchronous_mode: true, synchronous_mode_strict: false, postgresql: { parameters: { synchronous_commit: 'on' } } }
    : { synchronous_mode: false, postgresql: { parameters: { synchronous_commit: 'local' } } };
}

const BASE_POSTGRESQL = {
  use_pg_rewind: true,
  use_slots: true,
  parameters: {
    wal_level: 'replica',
    hot_standby: 'on',
    wal_log_hints: 'on',
    max_wal_senders: 10,
    max_replication_slots: 10,
    wal_keep_size: '128MB',
    max_connections: 100,
  },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where `over` wins; arrays and scalars replace. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

export function effectiveDcs(replication: Replication, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const withReplication = deepMerge({ ...DOCUMENTED_DCS, postgresql: BASE_POSTGRESQL }, replicationSettings(replication));
  return deepMerge(withReplication, overrides);
}

/**
 * The HA loop period a local cluster boots with. Patroni 3.0 does everything
 * a start waits on in its HA loop (the leader creates the replicas' slots,
 * then chooses the synchronous standby), so with the scenario's loop_wait a
 * start waits up to that many seconds, twice; the provider then sets the
 * scenario's value through PATCH /config and checks it is in force.
 */
export const BOOT_LOOP_WAIT = 1;

/**
 * bootstrap.dcs for the start: the scenario's settings with a short
 * loop_wait. ttl and retry_timeout stay the scenario's: a changed ttl makes
 * every member renew its etcd lease a loop later, so a leader key could
 * still carry the boot ttl when the first fault comes.
 */
export function bootDcs(dcs: Record<string, unknown>): Record<string, unknown> {
  const loopWait = Number(dcs['loop_wait']);
  return Number.isFinite(loopWait) && loopWait <= BOOT_LOOP_WAIT ? dcs : { ...dcs, loop_wait: BOOT_LOOP_WAIT };
}

/** The top-level keys of `target` whose values differ from `current`'s: the body of a PATCH /config. */
export function dcsPatch(target: Record<string, unknown>, current: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(target).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(current[k])));
}

/**
 * Where `actual` (a member's dynamic configuration) departs from `expected`
 * (the scenario's): every key path of `expected` whose value differs, with
 * both values. Keys only `actual` has are not differences: Patroni may add its own.
 */
export function dcsMismatches(expected: Record<string, unknown>, actual: Record<string, unknown>, path = ''): string[] {
  return Object.entries(expected).flatMap(([k, want]) => {
    const got = actual[k];
    const at = path ? `${path}.${k}` : k;
    if (isPlainObject(want)) return isPlainObject(got) ? dcsMismatches(want, got, at) : [`${at}: ${JSON.stringify(got)} instead of an object`];
    return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${at}: ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`];
  });
}
