import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, ScenarioError } from '../../scenario/errors.js';
import { loadClusterFile } from './cluster-file.js';
import { externalEntry } from './entry.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-cluster-file-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const GOOD = `scope: email-cluster
allow_faults: true
haproxy:
  primary: 10.0.0.5:5000
  replicas: 10.0.0.5:5001
  stats: http://10.0.0.5:7000/
  container: email-haproxy
credentials:
  superuser: { username: postgres, password_env: STAGING_PG }
  rest: { username: patroni, password_file: ${join(dir, 'rest.pw')} }
docker: { host: "ssh://ops@10.0.0.1" }
members:
  - { name: patroni1, postgres: "10.0.0.1:5432", rest: "http://10.0.0.1:8008", container: email-patroni1 }
  - { name: patroni2, postgres: "10.0.0.2:5432", rest: "http://10.0.0.2:8008/", container: email-patroni2, docker: { host: "tcp://10.0.0.2:2376", tls: { ca: ca.pem, cert: cert.pem, key: key.pem } } }
  - { name: patroni3, postgres: "10.0.0.3:5432", rest: "http://10.0.0.3:8008", container: email-patroni3 }
etcd:
  - { name: etcd1, url: "http://10.0.0.1:2379", container: email-etcd1 }
  - { name: etcd2, url: "http://10.0.0.2:2379", container: email-etcd2 }
  - { name: etcd3, url: "http://10.0.0.3:2379", container: email-etcd3 }
`;

const issues = (text: string, env: NodeJS.ProcessEnv = { STAGING_PG: 'pw' }): string[] => {
  try {
    loadClusterFile(write('c.yaml', text), env);
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues.map((i) => formatIssue(i).replace(`${dir}/`, ''));
    throw err;
  }
  return [];
};

describe('cluster files (external provider)', () => {
  writeFileSync(join(dir, 'rest.pw'), 'rest-secret\n');

  it('reads endpoints, containers and daemons, and takes passwords from the environment and from files', () => {
    const f = loadClusterFile(write('good.yaml', GOOD), { STAGING_PG: 'pg-secret' });
    expect(f.scope).toBe('email-cluster');
    expect(f.namespace).toBe('/service/');
    expect(f.allowFaults).toBe(true);
    expect(f.iptables).toBe(false);
    expect(f.superuser).toEqual({ username: 'postgres', password: 'pg-secret' });
    expect(f.rest).toEqual({ username: 'patroni', password: 'rest-secret' });
    expect(f.haproxy).toMatchObject({ primary: { host: '10.0.0.5', port: 5000 }, any: { host: '10.0.0.5', port: 5001 }, statsUrl: 'http://10.0.0.5:7000', container: 'email-haproxy' });
    expect(f.members[1]).toEqual({
      name: 'patroni2', postgres: { host: '10.0.0.2', port: 5432 }, restUrl: 'http://10.0.0.2:8008', container: 'email-patroni2',
      docker: { host: 'tcp://10.0.0.2:2376', tls: { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } },
    });
    expect(f.members[0]?.docker).toEqual({ host: 'ssh://ops@10.0.0.1' });
  });

  it('loads the example for the seeds\' compose stack that docs/providers.md shows (a file only for its REST password)', () => {
    const example = readFileSync('compose/external/email-cluster.yaml', 'utf8')
      .replace('/etc/patroni-chaos/email-rest-password', join(dir, 'rest.pw'));
    const f = loadClusterFile(write('email-cluster.yaml', example), { EMAIL_PG_PASSWORD: 'pg-secret' });
    expect(f.scope).toBe('email-cluster');
    expect(f.members.map((m) => m.container)).toEqual(['email-patroni1', 'email-patroni2', 'email-patroni3']);
    expect(f.etcd.map((e) => e.container)).toEqual(['email-etcd1', 'email-etcd2', 'email-etcd3']);
    expect(f.haproxy.primary).toEqual({ host: '127.0.0.1', port: 5000 });
    expect([...externalEntry(f).capabilities].sort()).toEqual(['dcs-leadership', 'exec', 'link-cut', 'link-loss', 'patroni-rest', 'process-control']);
  });

  it('refuses a password written in the file, an unset variable and an unreadable file, each at its line', () => {
    expect(issues(GOOD.replace('password_env: STAGING_PG', 'password: hunter2'))).toEqual([
      'c.yaml:9:36: credentials.superuser.password: unknown key \'password\' in credentials.superuser; expected one of username, password_env, password_file (did you mean \'password_env\'?)',
      'c.yaml:9:3: credentials.superuser: expected exactly one of password_env, password_file (the password itself never goes in this file)',
    ]);
    expect(issues(GOOD, {})).toEqual(['c.yaml:9:36: credentials.superuser.password_env: environment variable STAGING_PG is not set']);
    expect(issues(GOOD.replace(join(dir, 'rest.pw'), '/nonexistent/pw'))).toEqual(['c.yaml:10:30: credentials.rest.password_file: cannot read /nonexistent/pw: ENOENT']);
    expect(issues(GOOD.replace('{ username: patroni, password_file', '{ username: patroni, password_env: X, password_file'))[0]).toMatch(/^c\.yaml:10:\d+: credentials\.rest: expected exactly one of password_env, password_file/);
  });

  it('says what was expected of endpoints, names and daemons', () => {
    expect(issues(GOOD.replace('primary: 10.0.0.5:5000', 'primary: 10.0.0.5'))).toEqual(['c.yaml:4:3: haproxy.primary: expected host:port, like 10.0.0.5:5000']);
    expect(issues(GOOD.replace('rest: "http://10.0.0.3:8008"', 'rest: "10.0.0.3:8008"'))).toEqual(['c.yaml:15:50: members[2].rest: expected an http(s) URL, like http://10.0.0.1:8008']);
    expect(issues(GOOD.replace('name: patroni3', 'name: patroni1'))).toEqual(['c.yaml:15:7: members[2].name: "patroni1" is named twice']);
    expect(issues(GOOD.replace('ssh://ops@10.0.0.1', 'ops@10.0.0.1'))[0]).toMatch(/^c\.yaml:11:\d+: docker\.host: expected a Docker host like unix:\/\/\/var\/run\/docker\.sock/);
    expect(issues('scope: x\n')).toEqual([
      'c.yaml:1:1: haproxy: missing; expected a mapping',
      'c.yaml:1:1: credentials: missing; expected a mapping',
      'c.yaml:1:1: members: missing; expected a list',
      'c.yaml:1:1: etcd: missing; expected a list',
    ]);
  });

  it('offers the faults the file makes possible and says why the others are not', () => {
    const full = externalEntry(loadClusterFile(write('full.yaml', GOOD.replace('allow_faults: true', 'allow_faults: true\niptables: true')), { STAGING_PG: 'x' }));
    expect([...full.capabilities].sort()).toEqual(['dcs-leadership', 'exec', 'link-cut', 'link-loss', 'patroni-rest', 'process-control']);
    const noIptables = externalEntry(loadClusterFile(write('noipt.yaml', GOOD), { STAGING_PG: 'x' }));
    expect(noIptables.missing?.['link-cut']).toMatch(/iptables: false/);
    expect(noIptables.capabilities.has('link-loss')).toBe(false);
    expect(noIptables.missing?.['link-loss']).toMatch(/iptables: false/);
    const bare = externalEntry(loadClusterFile(write('bare.yaml', GOOD.replace(', container: email-etcd2', '')), { STAGING_PG: 'x' }));
    expect([...bare.capabilities]).toEqual(['patroni-rest', 'dcs-leadership']);
    expect(bare.missing?.['process-control']).toBe(`${join(dir, 'bare.yaml')} names no container for etcd2`);
    expect(bare.missing?.exec).toMatch(/names no container for etcd2: there is nowhere to run the command/);
  });
});
