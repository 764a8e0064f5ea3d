import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning } from '../procfs.js';
import { reapOrphanedRuns } from './reaper.js';
import { processesOfRun, writeRunRecord } from './run-record.js';

// Real processes, standing in for cluster components: `sh -c` with the run folder in its
// command line, and a child `sleep` that does not name it (as PostgreSQL backends do not).
function fakeComponent(runDir: string): number {
  const child = spawn('sh', ['-c', `sleep 60 & wait # ${runDir}/component.yml`], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid as number;
}

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

function runFolder(record: { ownerPid: number; ownerStartTime: string | null; state?: 'running' | 'stopped' }) {
  const root = mkdtempSync(join(tmpdir(), 'pc-reaper-'));
  roots.push(root);
  const runDir = join(root, 'run1');
  mkdirSync(runDir);
  writeRunRecord({ runId: 'run1', runDir, portBase: 7000, createdAt: '', state: record.state ?? 'running', ...record });
  return { root, runDir };
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('reapOrphanedRuns', () => {
  it('kills every process of a run whose owner is dead, descendants included', async () => {
    const { root, runDir } = runFolder({ ownerPid: 2 ** 22 + 9, ownerStartTime: '1' });
    const pid = fakeComponent(runDir);
    await waitFor(() => processesOfRun(runDir).length >= 2);
    const found = processesOfRun(runDir);
    expect(found).toContain(pid);
    expect(found.length).toBeGreaterThanOrEqual(2);
    const reaped = await reapOrphanedRuns(root);
    expect(reaped).toEqual([{ runDir, killed: found.length }]);
    expect(found.filter(isRunning)).toEqual([]);
  });

  it('leaves alone a run whose owner is alive', async () => {
    const { root, runDir } = runFolder({ ownerPid: process.pid, ownerStartTime: (await import('./run-record.js')).processStartTime(process.pid) });
    const pid = fakeComponent(runDir);
    await waitFor(() => processesOfRun(runDir).includes(pid));
    try {
      expect(await reapOrphanedRuns(root)).toEqual([]);
      expect(isRunning(pid)).toBe(true);
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });
});
