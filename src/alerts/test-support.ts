/**
 * /metrics as the cluster's components answer it, for the alert tests.
 * Patroni's follow its do_GET_metrics (patroni/api.py) in the images'
 * 3.0.2 (bookworm) and 4.0.7 (trixie): 3.0.2 labels with `scope` alone and
 * exports patroni_master and patroni_primary; 4.0.7 adds `name`, drops
 * patroni_master and adds patroni_quorum_standby, patroni_postgres_streaming
 * and patroni_postgres_in_archive_recovery. Both write
 * `patroni_postgres_server_version {...}` with a space before the labels.
 */
import type { Observed } from './observed.js';
import { observe } from './observed.js';
import { fromText, type Scrape, type Target, type TargetScrape } from './scrape.js';

type Role = 'primary' | 'replica';

const gauge = (name: string, help: string, labels: string, value: number | string, space = false) =>
  `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}${space ? ' ' : ''}${labels} ${value}`;

export function patroni302Metrics(scope: string, role: Role): string {
  const l = `{scope="${scope}"}`;
  const p = role === 'primary' ? 1 : 0;
  return `${[
    gauge('patroni_version', 'Patroni semver without periods.', l, '030002'),
    gauge('patroni_postgres_running', 'Value is 1 if Postgres is running, 0 otherwise.', l, 1),
    gauge('patroni_postmaster_start_time', 'Epoch seconds since Postgres started.', l, 1765000000.123),
    gauge('patroni_master', 'Value is 1 if this node is the leader, 0 otherwise.', l, p),
    gauge('patroni_primary', 'Value is 1 if this node is the leader, 0 otherwise.', l, p),
    `# HELP patroni_xlog_location Current location of the Postgres transaction log, 0 if this node is not the leader.\n# TYPE patroni_xlog_location counter\npatroni_xlog_location${l} 50331648`,
    gauge('patroni_standby_leader', 'Value is 1 if this node is the standby_leader, 0 otherwise.', l, 0),
    gauge('patroni_replica', 'Value is 1 if this node is a replica, 0 otherwise.', l, 1 - p),
    gauge('patroni_sync_standby', 'Value is 1 if this node is a sync standby replica, 0 otherwise.', l, 0),
    gauge('patroni_xlog_paused', 'Value is 1 if the Postgres xlog is paused, 0 otherwise.', l, 0),
    gauge('patroni_postgres_server_version', 'Version of Postgres (if running), 0 otherwise.', l, 150014, true),
    gauge('patroni_cluster_unlocked', 'Value is 1 if the cluster is unlocked, 0 if locked.', l, 0),
    gauge('patroni_failsafe_mode_is_active', 'Value is 1 if the cluster is unlocked, 0 if locked.', l, 0),
    `# HELP patroni_postgres_timeline Postgres timeline of this node (if running), 0 otherwise.\n# TYPE patroni_postgres_timeline counter\npatroni_postgres_timeline${l} 1`,
    gauge('patroni_dcs_last_seen', 'Epoch timestamp when DCS was last contacted successfully by Patroni.', l, 1765000100),
    gauge('patroni_pending_restart', 'Value is 1 if the node needs a restart, 0 otherwise.', l, 0),
    gauge('patroni_is_paused', 'Value is 1 if auto failover is disabled, 0 otherwise.', l, 0),
  ].join('\n')}\n`;
}

export function patroni407Metrics(scope: string, name: string, role: Role): string {
  const l = `{scope="${scope}",name="${name}"}`;
  const p = role === 'primary' ? 1 : 0;
  return `${[
    gauge('patroni_version', 'Patroni semver without periods.', l, '040007'),
    gauge('patroni_postgres_running', 'Value is 1 if Postgres is running, 0 otherwise.', l, 1),
    gauge('patroni_primary', 'Value is 1 if this node is the leader, 0 otherwise.', l, p),
    gauge('patroni_standby_leader', 'Value is 1 if this node is the standby_leader, 0 otherwise.', l, 0),
    gauge('patroni_replica', 'Value is 1 if this node is a replica, 0 otherwise.', l, 1 - p),
    gauge('patroni_sync_standby', 'Value is 1 if this node is a sync standby replica, 0 otherwise.', l, 1 - p),
    gauge('patroni_quorum_standby', 'Value is 1 if this node is a quorum standby replica, 0 otherwise.', l, 0),
    gauge('patroni_postgres_streaming', 'Value is 1 if Postgres is streaming, 0 otherwise.', l, 1 - p),
    gauge('patroni_postgres_in_archive_recovery', 'Value is 1 if Postgres is replicating from archive, 0 otherwise.', l, 0),
    gauge('patroni_postgres_server_version', 'Version of Postgres (if running), 0 otherwise.', l, 170006, true),
    gauge('patroni_cluster_unlocked', 'Value is 1 if the cluster is unlocked, 0 if locked.', l, 0),
    `# HELP patroni_postgres_timeline Postgres timeline of this node (if running), 0 otherwise.\n# TYPE patroni_postgres_timeline counter\npatroni_postgres_timeline${l} 1`,
    gauge('patroni_is_paused', 'Value is 1 if auto failover is disabled, 0 otherwise.', l, 0),
  ].join('\n')}\n`;
}

/** A slice of etcd's /metrics: a gauge, a counter, a histogram with +Inf, and Go's own. */
export function etcdMetrics(hasLeader = 1): string {
  return [
    '# HELP etcd_server_has_leader Whether or not a leader exists. 1 is existence, 0 is not.',
    '# TYPE etcd_server_has_leader gauge',
    `etcd_server_has_leader ${hasLeader}`,
    '# HELP etcd_server_is_leader Whether or not this member is a leader. 1 if is, 0 otherwise.',
    '# TYPE etcd_server_is_leader gauge',
    'etcd_server_is_leader 0',
    '# HELP etcd_server_leader_changes_seen_total The number of leader changes seen.',
    '# TYPE etcd_server_leader_changes_seen_total counter',
    'etcd_server_leader_changes_seen_total 1',
    '# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.',
    '# TYPE etcd_disk_wal_fsync_duration_seconds histogram',
    'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 10',
    'etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} 12',
    'etcd_disk_wal_fsync_duration_seconds_sum 0.0153',
    'etcd_disk_wal_fsync_duration_seconds_count 12',
    '# HELP go_info Information about the Go environment.',
    '# TYPE go_info gauge',
    'go_info{version="go1.19.8"} 1',
    '',
  ].join('\n');
}

const target = (kind: Target['kind'], name: string, port: number): Target => ({ kind, name, url: `http://127.0.0.1:${port}/metrics` });

/** One scrape of three Patroni members (the first primary) and three etcd members; `down` names targets that did not answer. */
export function clusterScrape(o: { patroni: '3.0.2' | '4.0.7'; scope: string; down?: readonly string[]; at?: number }): Scrape {
  const members = ['pg1', 'pg2', 'pg3'].map((name, i) => ({ t: target('patroni', name, 8008 + i), text: o.patroni === '3.0.2' ? patroni302Metrics(o.scope, i === 0 ? 'primary' : 'replica') : patroni407Metrics(o.scope, name, i === 0 ? 'primary' : 'replica') }));
  const etcd = ['etcd1', 'etcd2', 'etcd3'].map((name, i) => ({ t: target('etcd', name, 2379 + i * 10), text: etcdMetrics() }));
  const targets: TargetScrape[] = [...members, ...etcd].map(({ t, text }) => (o.down?.includes(t.name) ? { ...t, ok: false, error: 'connect ECONNREFUSED' } : { ...t, ...fromText(text, new URL(t.url).host) }));
  return { at: o.at ?? 1000, targets };
}

export function observedCluster(o: Parameters<typeof clusterScrape>[0]): Observed {
  return observe([clusterScrape(o)]);
}
