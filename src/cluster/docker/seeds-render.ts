/**
 * The `seeds` topology's configs (002, "Client Connection Flow"): PgBouncer
 * on every member (002's "PgBouncer Connection Pooling" ini), two HAProxies
 * routing to PgBouncer:6432 with the minimal topology's checks, and
 * keepalived's VRRP moving a VIP between them ("Virtual IP: Shared via
 * keepalived (VRRP protocol)").
 */
import type { Credentials } from '../types.js';
import { haproxyConfig as renderHaproxy } from '../render/haproxy.js';
import { HAPROXY_PORTS, PG_PORT, REST_PORT, type DockerNode } from './render.js';

/** 002's port table: "PgBouncer | 6432 | TCP | Via HAProxy". */
export const PGBOUNCER_PORT = 6432;
/** Each HAProxy answers its own name here: how the harness tells which one holds the VIP, as a client reaching it would. */
export const HAPROXY_NAME_PORT = 7001;
/** The VIP is host .100 of the run's /24, as 002's 10.0.1.100 on 10.0.1.0/24. */
export const VIP_INDEX = 90;
/** 002's two HAProxies, HAProxy-1 (active) and HAProxy-2 (passive), in VRRP priority order. */
export const SEEDS_HAPROXIES = ['haproxy1', 'haproxy2'] as const;
const PRIORITIES = [100, 90] as const;

/** Where pgbouncer.ini and its user list go in a member's container (postgres-owned, as PgBouncer runs as postgres). */
export const PGBOUNCER_DIR = '/run/postgresql/pgbouncer';

/**
 * 002's ini, as written there, plus what a listener on the member's network
 * and the harness's clients need. Nothing about prepared statements: every
 * query the harness sends through it is an unnamed statement or a simple
 * query (workload/insert.ts), which any PgBouncer in transaction mode
 * carries, bookworm's 1.18 included.
 */
export function pgbouncerIni(m: DockerNode): string {
  return `[databases]
; 002 writes host=127.0.0.1: the member's own address reaches the same PostgreSQL on the same node,
; and keeps inet_server_addr() of a session naming the member, which is how the workload learns
; which member it reached (through 127.0.0.1 every member would read 127.0.0.1).
* = host=${m.ip} port=${PG_PORT}

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = ${PGBOUNCER_PORT}
unix_socket_dir =
; The cluster's users authenticate with SCRAM (pg_hba: scram-sha-256, password_encryption's default):
; PgBouncer checks the client's SCRAM against the plain password in auth_file and logs in to
; PostgreSQL with SCRAM from the same (002 states no auth settings).
auth_type = scram-sha-256
auth_file = ${PGBOUNCER_DIR}/userlist.txt
pool_mode = transaction
max_client_conn = 10000
default_pool_size = 25
reserve_pool_size = 5
; The harness's short connections send statement_timeout as a startup parameter (cluster/sql.ts),
; which PgBouncer refuses unless told to ignore it; their client-side query timeout still holds.
ignore_startup_parameters = extra_float_digits,statement_timeout
`;
}

/** PgBouncer's auth_file: the superuser, the only login of the harness's clients (workload, probes). */
export function pgbouncerUsers(c: Pick<Credentials, 'superuser'>): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return `${q(c.superuser.username)} ${q(c.superuser.password)}\n`;
}

/**
 * One HAProxy of the pair: the minimal topology's config (render/haproxy.ts)
 * with each member's PgBouncer as the server ("HAProxy routes to primary
 * node's PgBouncer (port 6432)") and a listener answering its own name.
 */
export function seedsHaproxyConfig(members: readonly DockerNode[], self: string): string {
  return renderHaproxy({
    bind: '*', ports: HAPROXY_PORTS,
    servers: members.map((m) => ({ name: m.name, pg: `${m.ip}:${PGBOUNCER_PORT}`, restPort: REST_PORT })),
    whoami: { port: HAPROXY_NAME_PORT, name: self },
  });
}

/**
 * keepalived for one HAProxy of the pair: VRRP by unicast to the other (a
 * user bridge network carries no multicast reliably), a 1 s advertisement,
 * priorities 100 (active) and 90 (passive); the VIP on the container's
 * interface. No track script: HAProxy is the container's PID 1, so its death
 * ends the container and keepalived with it.
 */
export function keepalivedConf(pair: readonly [DockerNode, DockerNode], index: 0 | 1, vip: string, prefixLength: number, runId: string): string {
  const self = pair[index];
  const peer = pair[1 - index] as DockerNode;
  // VRRP's PASS authentication takes at most 8 characters; the run's id keeps two runs' pairs apart.
  const pass = runId.replace(/[^A-Za-z0-9]/g, '').slice(-8);
  return `global_defs {
  router_id ${self.name}
}

vrrp_instance haproxy_vip {
  state ${index === 0 ? 'MASTER' : 'BACKUP'}
  interface eth0
  virtual_router_id 51
  priority ${PRIORITIES[index]}
  advert_int 1
  unicast_src_ip ${self.ip}
  unicast_peer {
    ${peer.ip}
  }
  authentication {
    auth_type PASS
    auth_pass ${pass}
  }
  virtual_ipaddress {
    ${vip}/${prefixLength} dev eth0
  }
}
`;
}
