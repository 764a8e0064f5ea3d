import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { effectiveDcs } from '../render/dcs.js';
import { renderHaproxyConfig } from '../local/haproxy-config.js';
import { buildTopology } from '../local/topology.js';
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
});
