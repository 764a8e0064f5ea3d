import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dockerOk } from './cli.js';
import { requireDaemon } from './engine.js';
import { buildImages } from './images.js';
import { OWNER_LABEL, ownerLabel, reapOrphans } from './owner.js';
import { leftovers, RUN_LABEL, sweep } from './sweep.js';

// What a harness killed with SIGKILL leaves (a container, its network, a volume),
// made directly with the labels a run uses, without booting a cluster.
async function fakeRun(owner: string): Promise<string> {
  const runId = `itest-${randomBytes(3).toString('hex')}`;
  const labels = ['--label', `${RUN_LABEL}=${runId}`, '--label', `${OWNER_LABEL}=${owner}`];
  await dockerOk(['network', 'create', ...labels, `pc-${runId}`]);
  await dockerOk(['volume', 'create', ...labels, `pc-${runId}-data`]);
  const { tags } = await buildImages({ release: 'bookworm' });
  await dockerOk(['create', ...labels, '--name', `pc-${runId}-etcd1`, '--network', `pc-${runId}`, tags.etcd, '--version']);
  return runId;
}

describe('docker run ownership', () => {
  it('reaps runs whose harness process is dead, and only those', async () => {
    await requireDaemon();
    const deadPid = spawnSync('true').pid as number;
    const orphan = await fakeRun(`${hostname()}/${deadPid}/1`);
    const alive = await fakeRun(ownerLabel());
    try {
      expect((await leftovers(orphan)).containers).toHaveLength(1);
      const reaped = await reapOrphans();
      expect(reaped).toContain(orphan);
      expect(reaped).not.toContain(alive);
      expect(await leftovers(orphan)).toEqual({ containers: [], networks: [], volumes: [] });
      expect((await leftovers(alive)).networks).toEqual([`pc-${alive}`]);
    } finally {
      await sweep(orphan);
      await sweep(alive);
    }
    expect(await leftovers(alive)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 600_000);
});
