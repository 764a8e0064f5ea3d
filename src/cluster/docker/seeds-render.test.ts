import { describe, expect, it } from 'vitest';
import { haproxyConfig } from './render.js';
import { DOCKER } from './entry.js';
import { topologyRefusal } from './start.js';
import { keepalivedConf, pgbouncerIni, pgbouncerUsers, seedsHaproxyConfig } from './seeds-render.js';

const members = [1, 2, 3].map((i) => ({ name: `patroni${i}`, ip: `172.29.7.${19 + i}` }));
const pair = [{ name: 'haproxy1', ip: '172.29.7.30' }, { name: 'haproxy2', ip: '172.29.7.31' }] as const;

/** An ini's `key = value` lines, comments and blanks left out. */
const settings = (ini: string) => Object.fromEntries(ini.split('\n').map((l) => /^([^;[\s][^=]*?)\s*=\s*(.*)$/.exec(l)).flatMap((m) => (m ? [[m[1], m[2]]] : [])));

describe('pgbouncer.ini', () => {
  it("002's pool settings, on 6432, to the member's own PostgreSQL, by SCRAM", () => {
    const s = settings(pgbouncerIni(members[1]!));
    expect(s).toMatchObject({
      pool_mode: 'transaction', default_pool_size: '25', reserve_pool_size: '5', max_client_conn: '10000',
      listen_addr: '0.0.0.0', listen_port: '6432', auth_type: 'scram-sha-256',
    });
    // 002's `* = host=127.0.0.1 port=5432` with the member's own address (see the ini's comment).
    expect(s['*']).toBe('host=172.29.7.21 port=5432');
    expect(s['ignore_startup_parameters']).toContain('statement_timeout');
    // Nothing a PgBouncer 1.18 (bookworm) would refuse: the harness sends no named statement (workload/insert.ts).
    expect(Object.keys(s).sort()).toEqual([
      '*', 'auth_file', 'auth_type', 'default_pool_size', 'ignore_startup_parameters', 'listen_addr', 'listen_port',
      'max_client_conn', 'pool_mode', 'reserve_pool_size', 'unix_socket_dir',
    ]);
  });

  it("auth_file: the superuser and its password, quotes doubled", () => {
    expect(pgbouncerUsers({ superuser: { username: 'postgres', password: 'a"b' } })).toBe('"postgres" "a""b"\n');
  });
});

describe('the HAProxy pair', () => {
  it("is the minimal topology's config line for line but the servers, now each member's PgBouncer, and its own name listener", () => {
    const minimal = haproxyConfig(members).split('\n');
    const seeds = seedsHaproxyConfig(members, 'haproxy2');
    const lines = seeds.split('\n');
    const withoutServers = (ls: string[]) => ls.filter((l) => !/^\s*server /.test(l));
    expect(withoutServers(lines).slice(0, withoutServers(minimal).length)).toEqual(withoutServers(minimal));
    for (const m of members) expect(seeds).toContain(`server ${m.name} ${m.ip}:6432 maxconn 100 check port 8008`);
    expect(seeds).not.toMatch(/:5432 /);
    expect(seeds).toContain('default-server inter 2s fall 3 rise 2 on-marked-down shutdown-sessions');
    expect(seeds).toMatch(/listen whoami\n  mode http\n  bind \*:7001\n  http-request return status 200 content-type text\/plain string "haproxy2"\n/);
    expect(seedsHaproxyConfig(members, 'haproxy1')).toContain('string "haproxy1"');
  });
});

describe('keepalived.conf', () => {
  it('unicast VRRP to the other HAProxy, advert_int 1, priority 100 for the active and 90 for the passive, the VIP on eth0', () => {
    const active = keepalivedConf(pair, 0, '172.29.7.100', 24, '20261207-101555-9e34');
    const passive = keepalivedConf(pair, 1, '172.29.7.100', 24, '20261207-101555-9e34');
    expect(active).toMatch(/state MASTER\n[\s\S]*priority 100\n  advert_int 1\n  unicast_src_ip 172\.29\.7\.30\n  unicast_peer \{\n    172\.29\.7\.31\n  \}/);
    expect(passive).toMatch(/state BACKUP\n[\s\S]*priority 90\n  advert_int 1\n  unicast_src_ip 172\.29\.7\.31\n  unicast_peer \{\n    172\.29\.7\.30\n  \}/);
    for (const c of [active, passive]) {
      expect(c).toContain('172.29.7.100/24 dev eth0');
      expect(c).toContain('virtual_router_id 51');
      // VRRP's PASS takes 8 characters at most.
      expect(/auth_pass (\S+)/.exec(c)?.[1]).toBe('15559e34');
    }
  });
});

describe('where the seeds topology can be made', () => {
  it('has no proxied links', () => {
    expect(topologyRefusal('seeds', true)).toMatch(/has no proxied links/);
    expect(topologyRefusal('seeds', false)).toBeUndefined();
    expect(topologyRefusal('minimal', true)).toBeUndefined();
  });

  it('validate takes it on bookworm and refuses it beside a latency fault, through the docker provider\'s catalog', () => {
    expect(DOCKER.topologyRefusal?.('seeds', 'bookworm', { shapedLinks: false })).toBeUndefined();
    expect(DOCKER.topologyRefusal?.('seeds', undefined, { shapedLinks: false })).toBeUndefined();
    expect(DOCKER.topologyRefusal?.('seeds', 'bookworm', { shapedLinks: true })).toMatch(/has no proxied links/);
  });
});
