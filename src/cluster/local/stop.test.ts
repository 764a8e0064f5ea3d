/**
 * A local run's stop on real stand-in processes (shells naming the run
 * folder, as every component's command line does): whatever part of the
 * stop before it throws, the run ends swept (no process left, its data
 * gone, its record stopped), and the earlier error is the one thrown.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { liveClusters } from '../live.js';
import { isRunning } from '../procfs.js';
import { LocalCluster } from './local-cluster.js';
import { processesOfRun, readRunRecord, writeRunRecord } from './run-record.js';
import { buildTopology } from './topology.js';

const root = mkdtempSync(join(tmpdir(), 'pc-local-stop-'));
const pids: number[] = [];
afterAll(() => {
  for (const p of pids) if (isRunning(p)) process.kill(p, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => { vi.restoreAllMocks(); });

function fakeComponent(runDir: string): number {
  const child = spawn('sh', ['-c', `sleep 60 & wait # ${runDir}/component.yml`], { detached: true, stdio: 'ignore' });
  child.unref();
  pids.push(child.pid as number);
  return child.pid as number;
}

function run(runId: string): LocalCluster {
  const topology = buildTopology({ runId, runRoot: root, portBase: 7100 }, {});
  for (const m of topology.members) mkdirSync(m.dataDir, { recursive: true });
  writeRunRecord({ runId, runDir: topology.runDir, ownerPid: process.pid, ownerStartTime: null, portBase: 7100, createdAt: '', state: 'running' });
  const binaries = { patroni: '/nonexistent/patroni', etcd: '/nonexistent/etcd', haproxy: '/nonexistent/haproxy', pgBinDir: '/nonexistent/pg' };
  return new LocalCluster({ topology, binaries, runAs: undefined, keepData: false });
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('local: a stop ends with the sweep of the run folder', () => {
  it('kills what names the run folder, removes its data and marks it stopped although killing PostgreSQL threw first', async () => {
    const c = run('signal-threw');
    const pid = fakeComponent(c.runDir);
    await waitFor(() => processesOfRun(c.runDir).length >= 2);
    vi.spyOn(c, 'signal').mockRejectedValue(Object.assign(new Error('kill EPERM'), { code: 'EPERM' }));
    await expect(c.stop()).rejects.toThrow('kill EPERM');
    await waitFor(() => !isRunning(pid));
    expect(processesOfRun(c.runDir)).toEqual([]);
    expect(existsSync(c.topology.members[0]?.dataDir as string)).toBe(false);
    expect(readRunRecord(c.runDir)?.state).toBe('stopped');
    expect(liveClusters.has(c)).toBe(false);
  });

  it('a sweep alone does the same, and nothing starts in the run after it', async () => {
    const c = run('swept');
    const pid = fakeComponent(c.runDir);
    await waitFor(() => processesOfRun(c.runDir).length >= 2);
    await c.sweep();
    await waitFor(() => !isRunning(pid));
    expect(processesOfRun(c.runDir)).toEqual([]);
    expect(readRunRecord(c.runDir)?.state).toBe('stopped');
    expect(() => c.startHaproxy()).toThrow(/is stopping; not starting haproxy/);
  });
});
