/**
 * The docker provider through the CLI, as users drive it: `cluster up /
 * status / down`, a scenario run end to end with its report cross-checked
 * against Patroni's own log, and Ctrl-C during start and during faults.
 * After each, nothing labelled with the run may be left on the daemon.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildImages } from '../cluster/docker/images.js';
import { leftovers } from '../cluster/docker/sweep.js';
import type { ReportJson } from '../report/json.js';
import { exited, runCli, startCli } from '../test-support/cli.js';
import { filesContaining, runPasswords } from '../test-support/secrets.js';
import { runRoot } from '../cluster/run-root.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'pc-docker-cli-'));
const runIdOf = (out: string) => {
  const id = /docker run (\d{8}-\d{6}-[0-9a-f]{12})/.exec(out)?.[1];
  if (id === undefined) throw new Error(`no docker run id in:\n${out}`);
  return id;
};
const nothingLeft = async (runId: string) => {
  const left = await leftovers(runId);
  expect(left).toEqual({ containers: [], networks: [], volumes: [] });
  // Partitions live in the containers' own namespaces; the host must never hold a rule of the run.
  expect(execFileSync('iptables-save', { encoding: 'utf8' })).not.toContain(`pc-${runId}`);
};
const reportOf = (dir: string): { dir: string; json: ReportJson } => {
  const sub = execFileSync('find', [dir, '-name', 'report.json'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
  return { dir: join(sub, '..'), json: JSON.parse(readFileSync(sub, 'utf8')) };
};

describe('docker provider through the CLI', () => {
  beforeAll(async () => {
    await buildImages({ release: 'bookworm' });
  }, 600_000);

  it('refuses, before anything starts, the local provider\'s flags and a scenario docker cannot run on the release (exit 2)', async () => {
    const flags = await runCli(['run', '--provider', 'docker', '--keep-cluster', 'scenarios/kill-primary.yaml']);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--keep-cluster: only the local provider takes this; provider "docker" does not');
    // Docker runs every fault now: what it refuses is a scenario whose versions exclude the release.
    const fault = await runCli(['run', '--provider', 'docker', 'scenarios/quorum-commit.yaml']);
    expect(fault.code).toBe(2);
    expect(fault.stderr).toMatch(/quorum-commit\.yaml:\d+:\d+: requires\.patroni: needs Patroni >= 4\.0; release bookworm .* runs Patroni 3\.0\.2/);
  });

  it('cluster up --provider docker, status shows 1 leader and 2 streaming replicas, down removes every object', async () => {
    const { child, output } = await startCli(['cluster', 'up', '--provider', 'docker'], 'Ctrl-C');
    const runId = runIdOf(output());
    expect(output()).toMatch(/patroni 3\.0\.2, postgres 15\./);
    // Patroni's unsafe endpoints refuse a caller without the run's REST password.
    const rest = /REST (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    if (rest === undefined) throw new Error(`no REST URL in:\n${output()}`);
    const anonymous = await request(`${rest}/switchover`, { method: 'POST', body: '{"leader":"patroni1"}', headers: { 'content-type': 'application/json' } });
    await anonymous.body.text();
    expect(anonymous.statusCode).toBe(401);
    const status = await runCli(['cluster', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`docker cluster ${runId}`);
    const section = status.stdout.slice(status.stdout.indexOf(`docker cluster ${runId}`));
    const rows = section.split('\n').filter((l) => /^patroni\d/.test(l)).slice(0, 3);
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => /\b(leader|master)\b/.test(r))).toHaveLength(1);
    expect(rows.filter((r) => /\b(replica|sync_standby)\b.*\b(streaming|running)\b/.test(r))).toHaveLength(2);
    const down = await runCli(['cluster', 'down']);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`stopped docker cluster ${runId}`);
    expect(await exited(child)).toBe(0);
    await nothingLeft(runId);
  }, 300_000);

  it('runs kill-primary end to end: the report names the failover Patroni logged, and every write names its member', async () => {
    const dir = freshDir();
    const r = await runCli(['run', '--provider', 'docker', 'scenarios/kill-primary.yaml', '--report-dir', dir]);
    const { dir: reportDir, json } = reportOf(dir);
    expect(json.error).toBeNull();
    expect(json.provider).toBe('docker');
    expect(json.cluster['release']).toBe('bookworm');
    expect(json.versions.patroni).toBe('3.0.2');
    const fault = json.metrics.faults?.[0];
    if (fault === undefined) throw new Error('no fault in report.json');
    expect(fault.new_leader).toMatch(/^patroni\d$/);
    if (fault.new_leader === null || fault.old_leader === null || fault.rto_ms === null || fault.detection_ms === null) throw new Error(`incomplete failover: ${JSON.stringify(fault)}`);
    expect(fault.new_leader).not.toBe(fault.old_leader);
    // Independent source: the new leader's own Patroni log, collected from the container.
    expect(readFileSync(join(reportDir, 'logs', `${fault.new_leader}.log`), 'utf8')).toMatch(/promoted self to leader/);
    // The container died at once: no write was acknowledged for at least the detection time.
    expect(fault.rto_ms).toBeGreaterThan(fault.detection_ms);
    // Acknowledged writes are attributed by the member's own address (inside, every member is port 5432).
    const writes = readFileSync(join(reportDir, 'history.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"kind":"write"') && l.includes('"outcome":"ok"'));
    expect(writes.length).toBeGreaterThan(100);
    const nodes = new Set(writes.map((l) => (JSON.parse(l) as { node?: string }).node));
    expect(nodes).toEqual(new Set([fault.old_leader, fault.new_leader]));
    expect(r.code).toBe(json.verdict === 'pass' ? 0 : 1);
    await nothingLeft(json.run_id);
    // The run's own passwords appear nowhere in its reports or the containers' logs.
    const passwords = runPasswords(`${runRoot()}/${json.run_id}`);
    expect(passwords).toHaveLength(4);
    expect(filesContaining(dir, passwords)).toEqual([]);
  }, 600_000);

  it('Ctrl-C while the containers start exits 3 and leaves no container, network or volume', async () => {
    const { child, output } = await startCli(['run', '--provider', 'docker', 'scenarios/kill-primary.yaml', '--report-dir', freshDir()], ': patroni1-3 (');
    const runId = runIdOf(output());
    child.kill('SIGINT');
    expect(await exited(child)).toBe(3);
    await nothingLeft(runId);
  }, 300_000);

  it('Ctrl-C with a frozen replica and a partitioned primary exits 3 and leaves nothing, rules included', async () => {
    const dir = freshDir();
    const file = join(dir, 'two-faults.yaml');
    writeFileSync(file, `name: two-faults
cluster: { patroni: { ttl: 20, loop_wait: 5, retry_timeout: 5 } }
steps:
  - wait_for: healthy
  - fault: { action: stop, target: replica }
  - fault: { action: partition-dcs, target: primary }
  - sleep: 120s
`);
    const { child, output } = await startCli(['run', '--provider', 'docker', file, '--report-dir', join(dir, 'out')], 'injected partition-dcs');
    const runId = runIdOf(output());
    const paused = execFileSync('docker', ['ps', '--filter', `label=patroni-chaos.run=${runId}`, '--filter', 'status=paused', '--format', '{{.Names}}'], { encoding: 'utf8' }).trim();
    expect(paused).not.toBe('');
    child.kill('SIGINT');
    expect(await exited(child)).toBe(3);
    await nothingLeft(runId);
    expect(existsSync(join(dir, 'out'))).toBe(true);
  }, 300_000);
});
