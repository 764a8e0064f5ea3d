/**
 * Who owns a run: every object a run creates also carries
 * `patroni-chaos.owner=<host>/<pid>/<process start time>`, so the next start
 * can tell a run whose harness died (SIGKILL, OOM, a lost terminal) from one
 * that is still going in another process, and remove only the former.
 */
import { hostname } from 'node:os';
import { procInfo } from '../procfs.js';
import { docker } from './cli.js';
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
  const fmt = `{{.Label "${RUN_LABEL}"}} {{.Label "${OWNER_LABEL}"}}`;
  const lines = (await Promise.all([
    docker(['ps', '-a', '--filter', `label=${OWNER_LABEL}`, '--format', fmt], { timeoutMs: 60_000 }),
    docker(['network', 'ls', '--filter', `label=${OWNER_LABEL}`, '--format', fmt], { timeoutMs: 60_000 }),
    docker(['volume', 'ls', '--filter', `label=${OWNER_LABEL}`, '--format', fmt], { timeoutMs: 60_000 }),
  ])).flatMap((r) => r.stdout.split('\n'));
  const dead = new Set<string>();
  for (const l of lines) {
    const [runId, owner] = l.trim().split(' ');
    if (runId && owner && ownerIsDead(owner)) dead.add(runId);
  }
  for (const runId of dead) await sweep(runId);
  return [...dead];
}
