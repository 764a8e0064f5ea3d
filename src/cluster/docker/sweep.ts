/**
 * Everything a docker run creates (containers, its network, data volumes)
 * carries the label `patroni-chaos.run=<run id>`, so a run is removed by
 * label alone, even one whose harness was killed with SIGKILL: no record
 * file is needed, the daemon is the record. Ryuk-style reaping would need a
 * container image from a registry, which is not reachable here.
 */
import { docker, dockerOk } from './cli.js';

export const RUN_LABEL = 'patroni-chaos.run';
/** The container's logical name in its run (patroni1, etcd2, haproxy). */
export const NODE_LABEL = 'patroni-chaos.node';

export interface SweepResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

function filter(runId?: string): string {
  return runId === undefined ? `label=${RUN_LABEL}` : `label=${RUN_LABEL}=${runId}`;
}

async function list(args: string[]): Promise<string[]> {
  return (await dockerOk(args, { timeoutMs: 60_000 })).split('\n').map((s) => s.trim()).filter((s) => s !== '');
}

/** Names of what is left of a run (or of every run): what `sweep` would remove. */
export async function leftovers(runId?: string): Promise<SweepResult> {
  const f = filter(runId);
  return {
    containers: await list(['ps', '-a', '--filter', f, '--format', '{{.Names}}']),
    networks: await list(['network', 'ls', '--filter', f, '--format', '{{.Name}}']),
    volumes: await list(['volume', 'ls', '--filter', f, '--format', '{{.Name}}']),
  };
}

/**
 * Removes the containers, networks and volumes of a run, or of every run
 * when no id is given; returns what it removed. Containers go first: a
 * network or volume in use cannot be removed.
 */
export async function sweep(runId?: string): Promise<SweepResult> {
  const f = filter(runId);
  // A frozen container cannot be killed until it is thawed on some daemons.
  const paused = await list(['ps', '-q', '--filter', f, '--filter', 'status=paused']);
  if (paused.length > 0) await docker(['unpause', ...paused], { timeoutMs: 60_000 });
  const found = await leftovers(runId);
  if (found.containers.length > 0) await docker(['rm', '-f', '-v', ...found.containers], { timeoutMs: 120_000 });
  for (const n of found.networks) await docker(['network', 'rm', n], { timeoutMs: 60_000 });
  if (found.volumes.length > 0) await docker(['volume', 'rm', '-f', ...found.volumes], { timeoutMs: 60_000 });
  return found;
}
