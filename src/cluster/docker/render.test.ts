import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { effectiveDcs } from '../render/dcs.js';
import { renderHaproxyConfig } from '../local/haproxy-config.js';
import { buildTopology } from '../local/topology.js';
import { containerLinks, linkAddress, linkShapes } from './links.js';
import { etcdArgs, haproxyConfig, patroniConfig, type RenderInput } from './render.js';

const input: RenderInput = {
  runId: 'r1',
  scope: 'pgchaos',
  subnet: '172.29.7.0/24',
  members: [1, 2, 3].map((i) => ({ name: `patroni${i}`, ip: `172.29.7.${19 + i}` })),
  etcd: [1, 2, 3].map((i) => ({ name: `etcd${i}`, ip: `172.29.7.${9 + i}` })),
  dcs: effectiveDcs('synchronous', { ttl: 20, loop_wait: 5, retry_timeout: 5 }),
  credentials: {
    superuser: { username: 'postgres', password: 's' },
    replication: { username: 'replicator', password: 'r' },
    rewind: { username: 'rewind_user', password: 'w' },
    rest: { username: 'patroni', password: 'p' },
  },
};

describe('docker render', () => {
  it('patroni.yml: etcd3 by address, the caller\'s timings, synchronous mode, rewind, slots, REST 8008, postgres 5432', () => {
    const c = parse(patroniConfig(input, input.members[1]!));
    expect(c.name).toBe('patroni2');
    expect(c.etcd3.hosts).toEqual(['172.29.7.10:2379', '172.29.7.11:2379', '172.29.7.12:2379']);
    expect(c.restapi).toMatchObject({ listen: '0.0.0.0:8008', connect_address: '172.29.7.21:8008' });
    expect(c.postgresql.connect_address).toBe('172.29.7.21:5432');
    const dcs = c.bootstrap.dcs;
    // Booted with a 1 s loop_wait (the scenario's 5 goes in by PATCH /config once healthy); ttl and retry_timeout are the scenario's from the start.
    expect([dcs.ttl, dcs.loop_wait, dcs.retry_timeout]).toEqual([20, 1, 5]);
    expect(dcs.synchronous_mode).toBe(true);
    expect(dcs.maximum_lag_on_failover).toBe(1048576);
    expect(dcs.postgresql.use_pg_rewind).toBe(true);
    expect(dcs.postgresql.use_slots).toBe(true);
    expect(c.postgresql.basebackup).toEqual([{ checkpoint: 'fast' }, 'no-sync']);
    expect(c.postgresql.pg_hba).toContain('host replication replicator 172.29.7.0/24 scram-sha-256');
    // Only the run's own network and loopback: no address from anywhere.
    expect(c.postgresql.pg_hba.filter((l: string) => /^host /.test(l)).map((l: string) => l.split(/\s+/)[3])).toEqual(['172.29.7.0/24', '127.0.0.1/32', '172.29.7.0/24', '127.0.0.1/32']);
    // Patroni's unsafe REST endpoints need the run's own password.
    expect(c.restapi.authentication).toEqual({ username: 'patroni', password: 'p' });
  });

  it('haproxy.cfg keeps the local provider\'s checks and options, line for line apart from addresses', () => {
    const local = renderHaproxyConfig(buildTopology({ runId: 'r', runRoot: '/tmp/x' }, {}));
    const docker = haproxyConfig(input.members);
    const semantics = (cfg: string) => cfg.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^(bind|server) /.test(l));
    expect(semantics(docker)).toEqual(semantics(local));
    expect(docker).toContain('default-server inter 2s fall 3 rise 2 on-marked-down shutdown-sessions');
    for (const check of ['/primary', '/replica', '/health']) expect(docker).toContain(`option httpchk GET ${check}`);
    expect(docker).toContain('server patroni3 172.29.7.22:5432 maxconn 100 check port 8008');
    for (const port of [5000, 5001, 5002, 7000]) expect(docker).toContain(`bind *:${port}`);
  });

  it('etcd: a static three-member cluster on the members\' addresses', () => {
    const args = etcdArgs(input, input.etcd[0]!);
    expect(args).toContain('--initial-cluster=etcd1=http://172.29.7.10:2380,etcd2=http://172.29.7.11:2380,etcd3=http://172.29.7.12:2380');
    expect(args).toContain('--advertise-client-urls=http://172.29.7.10:2379');
    expect(args).toContain('--initial-cluster-token=r1');
  });

  describe('with proxied links (a run with a latency or bandwidth fault)', () => {
    const table = containerLinks(linkShapes(input.members, input.etcd), '172.29.7.40', (p) => p + 30_000);
    const proxied: RenderInput = { ...input, via: linkAddress(table) };

    it('patroni.yml: etcd only through the member\'s own links, without discovery; its peer links advertised; still listening directly', () => {
      const c = parse(patroniConfig(proxied, input.members[1]!));
      const own = table.filter((l) => l.member === 'patroni2' && l.kind === 'dcs').map((l) => `172.29.7.40:${l.via.port}`);
      expect(c.etcd3).toEqual({ hosts: own, protocol: 'http', use_proxies: true });
      expect(own).toHaveLength(3);
      const at = (name: string) => `172.29.7.40:${table.find((l) => l.name === name)!.via.port}`;
      expect(c.postgresql.connect_address).toBe(at('patroni2-pg-peer'));
      expect(c.restapi.connect_address).toBe(at('patroni2-rest-peer'));
      expect(c.postgresql.listen).toBe('0.0.0.0:5432');
      expect(c.restapi.listen).toBe('0.0.0.0:8008');
    });

    it('haproxy.cfg: sessions and health checks through each member\'s client links', () => {
      const cfg = haproxyConfig(input.members, proxied.via);
      const port = (name: string) => table.find((l) => l.name === name)!.via.port;
      for (const m of ['patroni1', 'patroni2', 'patroni3']) expect(cfg).toContain(`server ${m} 172.29.7.40:${port(`${m}-pg-client`)} maxconn 100 check port ${port(`${m}-rest-client`)}`);
      expect(cfg).not.toContain(':5432');
    });

    it('links: one per member and etcd member, and four per member, each on its own port, fronting the right container', () => {
      expect(table).toHaveLength(21);
      expect(new Set(table.map((l) => l.innerPort)).size).toBe(21);
      expect(table.find((l) => l.name === 'patroni1-etcd3')).toMatchObject({ member: 'patroni1', kind: 'dcs', upstream: '172.29.7.12:2379', speaks: 'etcd', listen: `0.0.0.0:${table.find((l) => l.name === 'patroni1-etcd3')!.innerPort}` });
      expect(table.find((l) => l.name === 'patroni3-rest-client')).toMatchObject({ member: 'patroni3', kind: 'client', upstream: '172.29.7.22:8008', speaks: 'patroni-rest' });
      // The harness probes each link on the host port published for its proxy port.
      for (const l of table) expect(l.probe).toEqual({ host: '127.0.0.1', port: (l.innerPort as number) + 30_000 });
    });
  });
});
