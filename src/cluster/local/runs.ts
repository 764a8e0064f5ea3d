/**
 * The local runs on this machine, read from their run records: what
 * `cluster status` shows and `cluster down` stops, through the registry.
 */
import { dirname } from 'node:path';
import { request } from 'undici';
import { HarnessError } from '../../errors.js';
import { downEach } from '../live.js';
import { stopOwner } from '../stop-owner.js';
import type { RunningCluster } from '../types.js';
import { killRunProcesses } from './reaper.js';
import { listRuns, ownerAlive, readRunRecord, writeRunRecord, type RunRecord } from './run-record.js';
import { componentVersions, findBinaries } from './system.js';
import { buildTopology, HOST } from './topology.js';

function liveRuns(): RunRecord[] {
  return listRuns().flatMap(({ record }) => (record && record.state !== 'stopped' && ownerAlive(record) ? [record] : []));
}

async function etcdOverHttp(urls: readonly string[]): Promise<string | null> {
  for (const url of urls) {
    const v = await request(`${url}/version`, { headersTimeout: 2000, bodyTimeout: 2000 })
      .then(async (r) => ((await r.body.json()) as { etcdserver?: string }).etcdserver ?? null, () => null);
    if (v !== null) return v;
  }
  return null;
}

export async function runningLocal(): Promise<RunningCluster[]> {
  return liveRuns().map((r) => {
    const t = buildTopology({ runId: r.runId, runRoot: dirname(r.runDir), portBase: r.portBase }, {});
    return {
      provider: 'local',
      runId: r.runId,
      headline: `cluster ${r.runId} (port base ${r.portBase}, primary ${r.endpoints?.['primary'] ?? '?'})`,
      portBase: r.portBase,
      rest: t.members.map((m) => ({ name: m.name, url: `http://${HOST}:${m.restPort}` })),
      etcdVersion: () => etcdOverHttp(t.etcd.map((e) => `http://${HOST}:${e.clientPort}`)),
      // The local provider runs this machine's own HAProxy binary.
      haproxyVersion: async () => {
        try {
          return componentVersions(findBinaries()).haproxy;
        } catch (err) {
          // A binary gone since the cluster started: its version cannot be read, and says so as null.
          if (err instanceof HarnessError && err.code === 'MISSING_BINARY') return null;
          throw err;
        }
      },
    };
  });
}

/** Stops every local run not already stopped: its owner first, then whatever still names its folder; each run even when one before it failed. */
export async function downLocal(): Promise<string[]> {
  const runs = listRuns().filter(({ record }) => record?.state !== 'stopped');
  return downEach(runs, ({ runDir, record }) => `local run ${record?.runId ?? runDir}`, async ({ runDir, record }) => {
    if (record && ownerAlive(record)) await stopOwner(record.ownerPid, () => ownerAlive(record));
    const killed = await killRunProcesses(runDir);
    const current = readRunRecord(runDir);
    if (current) writeRunRecord({ ...current, state: 'stopped' });
    return `stopped ${record?.runId ?? runDir}${killed > 0 ? ` (reaped ${killed} leftover processes)` : ''}`;
  });
}
