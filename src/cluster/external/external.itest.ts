/**
 * The external provider against a real cluster it did not start: a docker
 * provider cluster, attached through a cluster file over the local Docker
 * socket, as a staging cluster would be. The report contract must be the one
 * every provider gives, and the cluster must be left as it was found.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../../report/json.js';
import { exited, runCli, startCli } from '../../test-support/cli.js';
import { filesContaining } from '../../test-support/secrets.js';
import { passwordsOf } from '../credentials.js';
import type { DockerCluster } from '../docker/docker-cluster.js';
import { buildImages } from '../docker/images.js';
import { startDockerCluster } from '../docker/start.js';
import { getCluster, isPrimaryRole } from '../patroni-api.js';
import { queryOne } from '../sql.js';
import { healthy } from '../wait/healthy.js';

let c: DockerCluster;
let dir = '';
let clusterFile = '';
const env: Record<string, string> = {};

const schemaExists = async () => (await queryOne<{ n: string }>(c.endpoints.primary, c.credentials, "SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'patroni_chaos'"))?.n !== '0';

function reportOf(out: string): { json: ReportJson; dir: string } {
  const run = readdirSync(out)[0] ?? '';
  return { json: JSON.parse(readFileSync(join(out, run, 'report.json'), 'utf8')) as ReportJson, dir: join(out, run) };
}

describe('external provider: a running cluster attached through a cluster file', () => {
  beforeAll(async () => {
    await buildImages({ release: 'bookworm' });
    // Settings that can meet the documented 30 s RTO: the external provider keeps the cluster's own.
    c = await startDockerCluster({ patroni: { ttl: 20, loop_wait: 5, retry_timeout: 5 } });
    dir = mkdtempSync(join(tmpdir(), 'pc-external-'));
    const restPw = join(dir, 'rest-password');
    writeFileSync(restPw, `${c.credentials.rest.password}\n`, { mode: 0o600 });
    env['STAGING_PG_PASSWORD'] = c.credentials.superuser.password;
    const m = (name: string) => c.members.find((x) => x.name === name);
    clusterFile = join(dir, 'staging.yaml');
    writeFileSync(clusterFile, `scope: ${c.scope}
allow_faults: true
iptables: true
haproxy:
  primary: ${c.endpoints.primary.host}:${c.endpoints.primary.port}
  replicas: ${c.endpoints.replicas.host}:${c.endpoints.replicas.port}
  container: ${c.node('haproxy').container}
credentials:
  superuser: { username: postgres, password_env: STAGING_PG_PASSWORD }
  rest: { username: ${c.credentials.rest.username}, password_file: ${restPw} }
docker: { host: "unix:///var/run/docker.sock" }
members:
${['patroni1', 'patroni2', 'patroni3'].map((n) => `  - { name: ${n}, postgres: "${m(n)?.pg.host}:${m(n)?.pg.port}", rest: "${m(n)?.restUrl}", container: ${c.node(n).container} }`).join('\n')}
etcd:
${c.etcd.map((e) => `  - { name: ${e.name}, url: "${e.clientUrl}", container: ${c.node(e.name).container} }`).join('\n')}
`);
  }, 600_000);

  afterAll(async () => {
    await c?.stop();
  }, 120_000);

  it('refuses to run without --confirm-cluster (exit 2), and touches nothing', async () => {
    const r = await runCli(['run', '--provider', 'external', '--cluster-file', clusterFile, 'scenarios/kill-primary.yaml', '--report-dir', join(dir, 'refused')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--confirm-cluster: required with --provider external');
    expect(await schemaExists()).toBe(false);
    for (const n of c.nodes.keys()) expect(await c.state(n)).toBe('running');
    const wrong = await runCli(['run', '--provider', 'external', '--cluster-file', clusterFile, '--confirm-cluster', 'email-cluster', 'scenarios/kill-primary.yaml'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`"email-cluster" is not the scope ${clusterFile} names ("pgchaos")`);
  }, 120_000);

  it('runs kill-primary end to end with the report contract of every provider, and leaves the cluster as it found it', async () => {
    const out = join(dir, 'kill');
    const r = await runCli(['run', '--provider', 'external', '--cluster-file', clusterFile, '--confirm-cluster', c.scope, 'scenarios/kill-primary.yaml', '--report-dir', out], env);
    const { json, dir: runDir } = reportOf(out);
    expect(json.error, r.stderr.slice(-2000)).toBeNull();
    expect(Object.keys(json).sort()).toEqual(['alert_sla', 'alerts', 'checks', 'cluster', 'duration_ms', 'ended_at', 'error', 'evidence', 'iteration', 'known_findings', 'metrics', 'provider', 'run_id', 'scenario', 'sla', 'started_at', 'timeline', 'verdict', 'versions']);
    expect(json.provider).toBe('external');
    expect(json.versions).toMatchObject({ patroni: '3.0.2', postgres: expect.stringMatching(/^15\./), etcd: expect.stringMatching(/^3\.4\./), haproxy: expect.stringMatching(/^2\.6\./) });
    // The cluster's own settings were in force, and the report says so.
    expect(json.cluster).toMatchObject({ ttl: 20, loop_wait: 5, retry_timeout: 5, replication: 'synchronous' });
    const fault = json.metrics.faults?.[0];
    if (fault?.new_leader == null || fault.old_leader === null) throw new Error(`no failover measured: ${JSON.stringify(fault)}`);
    expect(fault.new_leader).not.toBe(fault.old_leader);
    // Independent source: the new leader's own Patroni log, collected from its container since the attach.
    expect(readFileSync(join(runDir, 'logs', `${fault.new_leader}.log`), 'utf8')).toMatch(/promoted self to leader/);
    expect(json.verdict).toBe('pass');
    expect(r.code).toBe(0);
    // Left as found: the killed container is back, the cluster healthy, the harness's schema gone, no rule left.
    for (const n of c.nodes.keys()) expect(await c.state(n)).toBe('running');
    expect(await healthy(c)).toBe(true);
    expect(await schemaExists()).toBe(false);
    for (const n of ['patroni1', 'patroni2', 'patroni3']) expect((await c.iptables(n, ['-S', 'INPUT'])).stdout).not.toContain('DROP');
    expect(filesContaining(out, passwordsOf(c.credentials))).toEqual([]);
  }, 600_000);

  it('switches over through Patroni\'s REST API with the file\'s REST login', async () => {
    const out = join(dir, 'switchover');
    const r = await runCli(['run', '--provider', 'external', '--cluster-file', clusterFile, '--confirm-cluster', c.scope, 'scenarios/switchover.yaml', '--report-dir', out], env);
    const { json } = reportOf(out);
    expect(json.error, r.stderr.slice(-2000)).toBeNull();
    const fault = json.metrics.faults?.[0];
    const leaderNow = (await getCluster(c.members[0]?.restUrl ?? '')).members.find((m) => isPrimaryRole(m.role))?.name;
    expect(fault?.new_leader).toBe(leaderNow);
    expect(fault?.new_leader).not.toBe(fault?.old_leader);
    expect(await schemaExists()).toBe(false);
  }, 600_000);

  it('undoes its faults on Ctrl-C: a frozen replica thawed and a cut primary reconnected', async () => {
    const scenario = join(dir, 'two-faults.yaml');
    writeFileSync(scenario, 'name: two-faults\nsteps:\n  - wait_for: healthy\n  - fault: { action: stop, target: replica }\n  - fault: { action: partition-dcs, target: primary }\n  - sleep: 120s\n');
    const { child } = await startCli(['run', '--provider', 'external', '--cluster-file', clusterFile, '--confirm-cluster', c.scope, scenario, '--report-dir', join(dir, 'ctrl-c')], 'injected partition-dcs', 180_000, env);
    const states = await Promise.all([...c.nodes.keys()].map((n) => c.state(n)));
    expect(states).toContain('paused');
    child.kill('SIGINT');
    expect(await exited(child)).toBe(3);
    for (const n of c.nodes.keys()) expect(await c.state(n)).toBe('running');
    for (const n of ['patroni1', 'patroni2', 'patroni3']) expect((await c.iptables(n, ['-S', 'INPUT'])).stdout).not.toContain('DROP');
    expect(await schemaExists()).toBe(false);
  }, 300_000);
});
