/**
 * Everything a docker run creates (containers, its network, data volumes)
 * carries the label `patroni-chaos.run=<run id>`, so a run is removed by
 * label alone, even one whose harness was killed with SIGKILL: no record
 * file is needed, the daemon is the record. Ryuk-style reaping would need a
 * container image from a registry, which is not reachable here.
 */
import { engine, engineOk } from './engine.js';

export const RUN_LABEL = 'patroni-chaos.run';
/** The container's logical name in its run (patroni1, etcd2, haproxy). */
export const NODE_LABEL = 'patroni-chaos.node';

export interface SweepResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** The Engine API's label filter: every run's objects, or one run's. */
export function labelFilter(runId?: string): { label: string[] } {
  return { label: [runId === undefined ? RUN_LABEL : `${RUN_LABEL}=${runId}`] };
}

/** A container's name as `docker ps` shows it (the API's carry a leading slash). */
export function containerName(names: readonly string[]): string {
  return (names[0] ?? '').replace(/^\//, '');
}

/** Names of what is left of a run (or of every run): what `sweep` would remove. */
export async function leftovers(runId?: string): Promise<SweepResult> {
  const { refused, ...found } = await listed(runId);
  if (refused[0] !== undefined) throw refused[0];
  return found;
}

/** Each kind listed on its own: a list the daemon refused is empty here, and its error is in `refused`. */
async function listed(runId?: string): Promise<SweepResult & { refused: unknown[] }> {
  const d = engine();
  const filters = labelFilter(runId);
  const refused: unknown[] = [];
  const names = <T>(p: Promise<T[]>, name: (x: T) => string): Promise<string[]> => p.then((xs) => xs.map(name), (err: unknown) => { refused.push(err); return []; });
  const [containers, networks, volumes] = await Promise.all([
    names(engineOk('ps', 60_000, (abortSignal) => d.listContainers({ all: true, filters, abortSignal })), (c) => containerName(c.Names)),
    names(engineOk('network ls', 60_000, (abortSignal) => d.listNetworks({ filters, abortSignal })), (n) => n.Name),
    names(engineOk('volume ls', 60_000, (abortSignal) => d.listVolumes({ filters, abortSignal })).then((v) => v.Volumes ?? []), (v) => v.Name),
  ]);
  return { containers, networks, volumes, refused };
}

/**
 * Removes the containers, networks and volumes of a run, or of every run
 * when no id is given; returns what it removed. Containers go first: a
 * network or volume in use cannot be removed. A removal that fails is left
 * to the next sweep, as it was when the CLI's exit code was not read. A
 * list the daemon refuses stops nothing else (the containers still go when
 * the volumes could not be listed), and is thrown once the rest is done.
 */
export async function sweep(runId?: string): Promise<SweepResult> {
  const d = engine();
  // A frozen container cannot be killed until it is thawed on some daemons.
  const paused = await engineOk('ps', 60_000, (abortSignal) => d.listContainers({ all: true, filters: { ...labelFilter(runId), status: ['paused'] }, abortSignal })).catch(() => []);
  await Promise.allSettled(paused.map((c) => engineOk('unpause', 60_000, (abortSignal) => d.getContainer(c.Id).unpause({ abortSignal }))));
  const { refused, ...found } = await listed(runId);
  await Promise.allSettled(found.containers.map((c) => engineOk('rm -f -v', 120_000, (abortSignal) => d.getContainer(c).remove({ force: true, v: true, abortSignal }))));
  for (const n of found.networks) await engineOk('network rm', 60_000, (abortSignal) => d.getNetwork(n).remove({ abortSignal })).catch(() => undefined);
  await Promise.allSettled(found.volumes.map((v) => engineOk('volume rm -f', 60_000, (abortSignal) => d.getVolume(v).remove({ force: true, abortSignal }))));
  if (refused[0] !== undefined) throw refused[0];
  return found;
}
