import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTopology } from './topology.js';
import { bootDcs, effectiveDcs } from '../render/dcs.js';
import { slotsPostBootstrap } from '../render/patroni.js';
import { renderPatroniConfig } from './patroni-config.js';

const t = buildTopology({ runId: 'r1', runRoot: '/tmp/pc', portBase: 7000, replication: 'asynchronous' }, effectiveDcs('asynchronous', { ttl: 20 }));
const member = t.members[1]!;
const config = parse(renderPatroniConfig(t, member, { binDir: '/usr/lib/postgresql/15/bin' })) as Record<string, any>; // parsed YAML is untyped

describe('renderPatroniConfig', () => {
  it('binds REST and PostgreSQL to the member ports on loopback', () => {
    expect(config['name']).toBe('patroni2');
    expect(config['restapi']).toMatchObject({ listen: '127.0.0.1:7021', connect_address: '127.0.0.1:7021' });
    expect(config['postgresql'].listen).toBe('127.0.0.1:7011');
  });

  it('talks etcd v3 to every etcd member', () => {
    expect(config['etcd3'].hosts).toEqual(['127.0.0.1:7030', '127.0.0.1:7031', '127.0.0.1:7032']);
  });

  it('uses the member own data dir, absolute socket dir and pgpass', () => {
    expect(config['postgresql'].data_dir).toBe('/tmp/pc/r1/patroni2/data');
    expect(config['postgresql'].parameters.unix_socket_directories).toBe('/tmp/pc/r1/patroni2/sock');
    expect(config['postgresql'].pgpass).toBe('/tmp/pc/r1/patroni2/pgpass');
  });

  it('builds a replica with a fast checkpoint and leaves the flush to the replica PostgreSQL start, which syncs the whole copy', () => {
    expect(config['postgresql'].basebackup).toEqual([{ checkpoint: 'fast' }, 'no-sync']);
  });

  it('carries the effective dynamic settings into bootstrap.dcs', () => {
    expect(config['bootstrap'].dcs).toMatchObject({ ttl: 20, loop_wait: 10, synchronous_mode: false, maximum_lag_on_failover: 1048576 });
  });

  it('allows replication and client logins only from loopback, with passwords', () => {
    expect(config['postgresql'].pg_hba).toEqual(['local all all trust', 'host replication replicator 127.0.0.1/32 scram-sha-256', 'host all all 127.0.0.1/32 scram-sha-256']);
    expect(config['postgresql'].authentication.replication.username).toBe('replicator');
    expect(config['restapi'].authentication).toEqual(t.credentials.rest);
    expect(config['restapi'].authentication.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});

describe('renderPatroniConfig with proxied links', () => {
  const pt = { ...t, proxied: true };
  const proxied = parse(renderPatroniConfig(pt, pt.members[2]!, { binDir: '/x' })) as Record<string, any>; // parsed YAML is untyped
  it('reaches etcd only through the member own proxies, without discovery', () => {
    expect(proxied['etcd3']).toEqual({ hosts: ['127.0.0.1:7066', '127.0.0.1:7067', '127.0.0.1:7068'], protocol: 'http', use_proxies: true });
  });

  it('advertises its peer proxies to the other members, and still listens directly', () => {
    expect(proxied['postgresql'].connect_address).toBe('127.0.0.1:7072');
    expect(proxied['postgresql'].listen).toBe('127.0.0.1:7012');
    expect(proxied['restapi']).toMatchObject({ listen: '127.0.0.1:7022', connect_address: '127.0.0.1:7077' });
  });
});

describe('renderPatroniConfig with boot settings', () => {
  const scenario = buildTopology({ runId: 'r1', runRoot: '/tmp/pc', portBase: 7000 }, effectiveDcs('synchronous', { ttl: 25 }));
  const text = renderPatroniConfig(scenario, scenario.members[0]!, { binDir: '/x', bootstrapDcs: bootDcs(scenario.dcs) });
  // Patroni reads the file with PyYAML, a YAML 1.1 parser.
  const booted = parse(text, { version: '1.1' }) as Record<string, any>; // parsed YAML is untyped

  it('bootstraps with the boot settings instead of the scenario ones', () => {
    expect(booted['bootstrap'].dcs).toMatchObject({ ttl: 25, loop_wait: 1, retry_timeout: 10, synchronous_mode: true });
  });

  it('keeps on/off strings strings for a YAML 1.1 reader, as the DCS will then hold them', () => {
    expect(booted['bootstrap'].dcs.postgresql.parameters).toMatchObject({ hot_standby: 'on', wal_log_hints: 'on', synchronous_commit: 'on' });
    expect(booted['tags'].nofailover).toBe(false);
  });
});

describe('renderPatroniConfig with a data directory template', () => {
  const text = renderPatroniConfig(t, member, { binDir: '/x', template: '/tmp/pc/.pg-templates/abc' });
  const withTemplate = parse(text, { version: '1.1' }) as Record<string, any>; // parsed YAML is untyped

  it('bootstraps by copying the template into the member data dir, without Patroni own parameters', () => {
    expect(withTemplate['bootstrap'].method).toBe('template');
    expect(withTemplate['bootstrap'].template).toEqual({ command: expect.stringContaining("'/tmp/pc/.pg-templates/abc' '/tmp/pc/r1/patroni2/data' '/tmp/pc/r1/staged/data'"), no_params: true });
  });

  it('bootstraps with initdb when there is no template', () => {
    expect(config['bootstrap'].method).toBeUndefined();
    expect(config['bootstrap'].initdb).toEqual([{ encoding: 'UTF8' }, { locale: 'C' }, 'data-checksums']);
  });
});

describe('slotsPostBootstrap', () => {
  const scratch = mkdtempSync(join(tmpdir(), "pc-slots it's-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is the bootstrapping member creating the other members slots, and only theirs', () => {
    const command = config['bootstrap'].post_bootstrap as string;
    expect(command).toMatch(/^'\/usr\/lib\/postgresql\/15\/bin\/psql' .*ARRAY\[.*patroni1.*,.*patroni3.*\]/);
    expect(command).not.toMatch(/patroni2/);
  });

  it('runs psql with the SQL whole and the connection string Patroni appends as its database', () => {
    // A stand-in psql that records its arguments; Patroni splits the command as a POSIX shell would.
    const bin = join(scratch, 'bin dir');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'psql'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$(dirname "$0")/../args"\n');
    chmodSync(join(bin, 'psql'), 0o755);
    const cmd = slotsPostBootstrap(bin, 'patroni2', ['patroni1', 'patroni2', 'patroni3'], {});
    execFileSync('sh', ['-c', `${cmd} 'host=/sock user=postgres dbname=postgres'`]);
    expect(readFileSync(join(scratch, 'args'), 'utf8').split('\n').slice(0, -1)).toEqual([
      '-X', '-q', '-o', '/dev/null', '-v', 'ON_ERROR_STOP=1', '-c',
      "SELECT pg_catalog.pg_create_physical_replication_slot(n, true) FROM unnest(ARRAY['patroni1','patroni3']) AS n WHERE n NOT IN (SELECT slot_name FROM pg_catalog.pg_replication_slots)",
      'host=/sock user=postgres dbname=postgres',
    ]);
  });

  it('is absent when the cluster does not use slots, or has no other member', () => {
    for (const off of [false, 0, null, 'off', 'False', 'no', '0']) {
      expect(slotsPostBootstrap('/b', 'patroni1', ['patroni1', 'patroni2'], { postgresql: { use_slots: off } })).toBeUndefined();
    }
    for (const on of [true, 'on', 1]) {
      expect(slotsPostBootstrap('/b', 'patroni1', ['patroni1', 'patroni2'], { postgresql: { use_slots: on } })).toBeDefined();
    }
    expect(slotsPostBootstrap('/b', 'patroni1', ['patroni1'], {})).toBeUndefined();
    const asynchronous = parse(renderPatroniConfig(t, member, { binDir: '/b' })) as Record<string, any>; // parsed YAML is untyped
    expect(asynchronous['bootstrap'].post_bootstrap).toBeDefined();
  });

  it('refuses a member name that Patroni would not use as its slot name as it is', () => {
    expect(() => slotsPostBootstrap('/b', 'patroni1', ['patroni1', 'Node-2'], {})).toThrow(/Node-2/);
  });
});
