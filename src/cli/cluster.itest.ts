import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { exited, listening, runCli, startCli } from '../test-support/cli.js';
import { listRuns, processesOfRun } from '../cluster/local/run-record.js';

function runDirFrom(output: string): string {
  const m = /run folder (\S+)/.exec(output);
  if (!m?.[1]) throw new Error(`no run folder in:\n${output}`);
  return m[1];
}

describe('patroni-chaos cluster up / status / down', () => {
  it('shows 1 leader and 2 streaming replicas on one timeline, and `down` leaves nothing', async () => {
    const { child, output } = await startCli(['cluster', 'up', '--port-base', '7100'], 'Ctrl-C');
    const runDir = runDirFrom(output());
    expect(output()).toContain('psql -h 127.0.0.1 -p 7100');
    const status = await runCli(['cluster', 'status']);
    expect(status.code).toBe(0);
    const rows = status.stdout.split('\n').filter((l) => /^patroni\d/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => /\b(leader|master)\b/.test(r))).toHaveLength(1);
    expect(rows.filter((r) => /\b(replica|sync_standby)\b.*\b(streaming|running)\b/.test(r))).toHaveLength(2);
    expect(new Set(rows.map((r) => r.split(/\s+/)[4])).size).toBe(1);
    const down = await runCli(['cluster', 'down']);
    expect(down.code).toBe(0);
    expect(await exited(child)).toBe(0);
    expect(processesOfRun(runDir)).toEqual([]);
    expect(await listening(7100)).toBe(false);
  });

  it('stops everything on Ctrl-C (SIGINT) of a running `cluster up`', async () => {
    const { child, output } = await startCli(['cluster', 'up', '--port-base', '7200'], 'Ctrl-C');
    const runDir = runDirFrom(output());
    expect(processesOfRun(runDir).length).toBeGreaterThan(6);
    child.kill('SIGINT');
    await exited(child);
    expect(processesOfRun(runDir)).toEqual([]);
    for (const port of [7200, 7210, 7220, 7230]) expect(await listening(port)).toBe(false);
  });

  it('reaps what a SIGKILLed harness left behind on the next start', async () => {
    const { child, output } = await startCli(['cluster', 'up', '--port-base', '7300'], 'Ctrl-C');
    const runDir = runDirFrom(output());
    child.kill('SIGKILL');
    await exited(child);
    expect(processesOfRun(runDir).length).toBeGreaterThan(6);
    const down = await runCli(['cluster', 'down']);
    expect(down.stdout).toMatch(/reaped \d+ leftover processes/);
    expect(processesOfRun(runDir)).toEqual([]);
    expect(listRuns().find((r) => r.runDir === runDir)?.record?.state).toBe('stopped');
  });

  it('exits 3 naming the port when one is in use', async () => {
    const blocker = createServer().listen(7410, '127.0.0.1');
    try {
      const r = await runCli(['cluster', 'up', '--port-base', '7400']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/port\(s\) in use: 7410 \(patroni1 PostgreSQL\)/);
    } finally {
      blocker.close();
    }
  });

  it('exits 3 naming the missing binary and the install command', async () => {
    const r = await runCli(['cluster', 'up', '--port-base', '7500'], { PATRONI_CHAOS_PG_BIN: '/nonexistent/bin' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('missing: postgres (/nonexistent/bin/postgres)');
    expect(r.stderr).toContain('apt-get install');
  });

  it('exits 3 with the failing component and its log line when a node never becomes healthy', async () => {
    const r = await runCli(['run', 'scenarios/kill-primary.yaml', '--port-base', '7600', '--report-dir', '/tmp/pc-itest-reports',
      '--set', 'cluster.patroni.postgresql.parameters.shared_preload_libraries=no_such_library', '--set', 'steps[0].wait_for={condition: healthy, timeout: 25s}']);
    expect(r.code).toBe(3);
    // Patroni gives up bootstrapping and exits, or keeps retrying until the wait runs out: either way
    // the reason names the member and PostgreSQL's own line.
    expect(r.stdout + r.stderr).toMatch(/cluster did not start: patroni:patroni\d exited|timed out after 25 s waiting for cluster healthy/);
    expect(r.stdout + r.stderr).toMatch(/patroni\d.*FATAL: .*no_such_library/);
    expect(await listening(7610)).toBe(false);
  });
});
