import { describe, expect, it } from 'vitest';
import { haproxyConfig } from './render.js';
import { carriesPreparedStatements, topologyRefusal } from './start.js';
import { keepalivedConf, pgbouncerIni, pgbouncerUsers, seedsHaproxyConfig } from './seeds-render.js';

const members = [1, 2, 3].map((i) => ({ name: `patroni${i}`, ip: `172.29.7.${19 + i}` }));
const pair = [{ name: 'haproxy1', ip: '172.29.7.30' }, { name: 'haproxy2', ip: '172.29.7.31' }] as const;

/** An ini's `key = value` lines, comments and blanks left out. */
const settings = (ini: string) => Object.fromEntries(ini.split('\n').map((l) => /^([^;[\s][^=]*?)\s*=\s*(.*)$/.exec(l)).flatMap((m) => (m ? [[m[1], m[2]]] : [])));

describe('pgbouncer.ini', () => {
  it("002's pool settings, on 6432, to the member's own PostgreSQL, by SCRAM", () => {
    const s = settings(pgbouncerIni(members[1]!, { preparedStatements: true }));
    expect(s).toMatchObject({
      pool_mode: 'transaction', default_pool_size: '25', reserve_pool_size: '5', max_client_conn: '10000',
      listen_addr: '0.0.0.0', listen_port: '6432', auth_type: 'scram-sha-256',
    });
    // 002's `* = host=127.0.0.1 port=5432` with the member's own address (see the ini's comment).
    expect(s['*']).toBe('host=172.29.7.21 port=5432');
    expect(s['ignore_startup_parameters']).toContain('statement_timeout');
    expect(s['max_prepared_statements']).toBe('200');
  });

  it('leaves max_prepared_statements out for a PgBouncer that does not know it', () => {
    expect(settings(pgbouncerIni(members[0]!, { preparedStatements: false }))).not.toHaveProperty('max_prepared_statements');
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
  it('needs a PgBouncer of 1.21 or later: not bookworm\'s 1.18', () => {
    expect([carriesPreparedStatements('bookworm'), carriesPreparedStatements('trixie'), carriesPreparedStatements('forky')]).toEqual([false, true, true]);
    expect(topologyRefusal('seeds', 'bookworm', false)).toMatch(/^topology "seeds" cannot be made on bookworm: its PgBouncer 1\.18 .*use cluster\.release: trixie or forky$/);
    expect(topologyRefusal('seeds', 'trixie', false)).toBeUndefined();
    expect(topologyRefusal('minimal', 'bookworm', true)).toBeUndefined();
  });

  it('has no proxied links', () => {
    expect(topologyRefusal('seeds', 'forky', true)).toMatch(/has no proxied links/);
  });
});
