/**
 * Who owns a run: every object a run creates also carries
 * `patroni-chaos.owner=<host>/<pid>/<process start time>`, so the next start
 * can tell a run whose harness died (SIGKILL, OOM, a lost terminal) from one
 * that is still going in another process, and remove only the former.
 */
import { hostname } from 'node:os';
import { procInfo } from '../procfs.js';
import { engine, within } from './engine.js';
import { RUN_LABEL, sweep } from './sweep.js';

export const OWNER_LABEL = 'patroni-chaos.owner';

export function ownerLabel(pid = process.pid): string {
  return `${hostname()}/${pid}/${procInfo(pid)?.startTime ?? '?'}`;
}

/** True when the owner is a process of this host that is gone (or whose PID was reused). */
export function ownerIsDead(owner: string): boolean {
  const [host, pidText, start] = owner.split('/');
  if (host !== hostname()) return false; // another machine's run: not ours to judge
  const p = procInfo(Number(pidText));
  return p === undefined || p.state === 'Z' || p.startTime !== start;
}

/**
 * Sweeps the runs whose owner process is dead; returns their ids. Objects
 * without an owner label (docker-compose.yml's) are left alone.
 */
export async function reapOrphans(): Promise<string[]> {
  const d = engine();
  const filters = { label: [OWNER_LABEL] };
  // A list the daemon refused is no owner: nothing of it is reaped, as when the CLI's output was empty.
  const labelled = (await Promise.all([
    within(60_000, (abortSignal) => d.listContainers({ all: true, filters, abortSignal })).then((l) => l.map((c) => c.Labels), () => []),
    within(60_000, (abortSignal) => d.listNetworks({ filters, abortSignal })).then((l) => l.map((n) => n.Labels ?? {}), () => []),
    within(60_000, (abortSignal) => d.listVolumes({ filters, abortSignal })).then((l) => (l.Volumes ?? []).map((v) => v.Labels ?? {}), () => []),
  ])).flat();
  const dead = new Set<string>();
  for (const labels of labelled) {
    const runId = labels[RUN_LABEL];
    const owner = labels[OWNER_LABEL];
    if (runId && owner && ownerIsDead(owner)) dead.add(runId);
  }
  for (const runId of dead) await sweep(runId);
  return [...dead];
}
