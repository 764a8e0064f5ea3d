import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesOfRun } from '../cluster/local/run-record.js';
import { listening, REPO, runCli } from '../test-support/cli.js';
import { runRoot } from '../cluster/run-root.js';

async function waitForApi(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${url}/version`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no Toxiproxy API at ${url}`);
}

function run(scenario: string, portBase: number, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'pc-net-'));
  return runCli(['run', `scenarios/${scenario}.yaml`, '--report-dir', dir, '--port-base', String(portBase), ...extra]).then((r) => {
    const [folder] = readdirSync(dir);
    const report = JSON.parse(readFileSync(join(dir, folder ?? '', 'report.json'), 'utf8')) as Record<string, any>; // parsed report.json: its shape is under test
    return { ...r, report, folder: join(dir, folder ?? '') };
  });
}

describe('network and replication faults end to end', () => {
  it('primary-partitioned-from-etcd: the old primary stops, a new one is elected, never two, proxies left clean', async () => {
    const { code, stderr, report, folder } = await run('primary-partitioned-from-etcd', 8100);
    const m = report['metrics'];
    expect(m.faults[0].old_leader).toBeTruthy();
    expect(m.faults[0].new_leader).not.toBe(m.faults[0].old_leader);
    expect(m.max_concurrent_primaries).toBe(1);
    expect(m.lost_writes).toBe(0);
    const heal = report['timeline'].find((e: { kind: string; phase?: string }) => e.kind === 'fault' && e.phase === 'heal');
    expect(heal.detail).toMatch(/removed 6 toxics from .*; all enabled and clean/);
    // Issue 19: the fault's proof, a probe through each of the member's etcd links silent with the blackhole in.
    const inject = report['timeline'].find((e: { kind: string; phase?: string }) => e.kind === 'fault' && e.phase === 'inject');
    expect(inject.effect).toMatch(/^3 path\(s\) silent for 1000 ms with the cut in, each answered before it \(slowest \d+ ms\): harness -> (patroni\d-etcd1), harness -> patroni\d-etcd2, harness -> patroni\d-etcd3$/);
    expect(readdirSync(join(folder, 'logs'))).toContain('toxiproxy.log');
    expect(code, stderr.slice(-2000)).toBe(report['verdict'] === 'pass' ? 0 : 1);
    expect(processesOfRun(`${runRoot()}/${report['run_id']}`)).toEqual([]);
  });

  it('split-brain-attempt: the old primary, cut from etcd and replicas but not clients, never acknowledges beside the new one', async () => {
    const { code, stderr, report } = await run('split-brain-attempt', 8400);
    const m = report['metrics'];
    expect(m.faults[0].new_leader).not.toBe(m.faults[0].old_leader);
    expect(m.max_concurrent_primaries).toBe(1);
    expect(m.split_brain_ms).toBe(0);
    expect(m.stale_leader_writes).toBe(0);
    expect(m.lost_writes).toBe(0);
    expect(report['verdict']).toBe('pass');
    expect(code, stderr.slice(-2000)).toBe(0);
  });

  it('uses a Toxiproxy it is given instead of its own, and removes its links from it afterwards', async () => {
    // A separately started server stands in for a user's real Toxiproxy: the harness may only talk to its API.
    // Its port lies outside the run's block (8600-8699, where the run's own Prometheus takes base + 90).
    const external = spawn(process.execPath, [join(REPO, 'dist/proxy/main.js'), '--host', '127.0.0.1', '--port', '18690'], { stdio: 'ignore' });
    try {
      await waitForApi('http://127.0.0.1:18690');
      const { report } = await run('primary-partitioned-from-etcd', 8600, ['--toxiproxy', 'http://127.0.0.1:18690']);
      expect(report['metrics'].faults[0].new_leader).not.toBe(report['metrics'].faults[0].old_leader);
      expect(report['metrics'].max_concurrent_primaries).toBe(1);
      expect(report['timeline'].some((e: { kind: string; detail?: string }) => e.kind === 'fault' && /all enabled and clean/.test(e.detail ?? ''))).toBe(true);
      expect(await (await fetch('http://127.0.0.1:18690/proxies')).json()).toEqual({});
      expect(external.exitCode).toBeNull();
      expect(await listening(8650)).toBe(false);
    } finally {
      external.kill('SIGTERM');
    }
  });

  it('slow-etcd: the report shows the delay measured through each poisoned link (issue 19)', async () => {
    const { report } = await run('slow-etcd', 8700);
    const inject = report['timeline'].find((e: { kind: string; phase?: string }) => e.kind === 'fault' && e.phase === 'inject');
    const link = 'patroni\\d-etcd\\d \\+\\d+ ms \\(round trip \\d+ ms against \\d+ ms before; at least 300 ms expected\\)';
    expect(inject.effect).toMatch(new RegExp(`^latency 200 ms ± 50 ms each way: ${link}; ${link}; ${link}$`));
    for (const m of (inject.effect as string).matchAll(/round trip (\d+) ms/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(299);
  });

  it('lagging-replica-not-promoted: no replica beyond maximum_lag_on_failover is promoted, nothing lost', async () => {
    const { code, stderr, report } = await run('lagging-replica-not-promoted', 8200);
    const m = report['metrics'];
    expect(m.lagging_promotions).toBe(0);
    expect(m.lost_writes).toBe(0);
    expect(m.no_leader_ms).toBeGreaterThan(20_000);
    expect(report['verdict']).toBe('pass');
    expect(code, stderr.slice(-2000)).toBe(0);
  });

  it('async-lost-writes: writes acknowledged while replication stalled are reported lost, exit 1', async () => {
    const { code, report } = await run('async-lost-writes', 8300);
    const m = report['metrics'];
    expect(m.lost_writes).toBeGreaterThan(0);
    expect(m.rpo_ms).toBeGreaterThan(5000);
    expect(report['sla'].find((s: { metric: string }) => s.metric === 'rpo_ms')?.pass).toBe(false);
    expect(report['verdict']).toBe('fail');
    expect(code).toBe(1);
  });
});
