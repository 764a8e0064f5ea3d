/**
 * The docker runs that exist on this daemon, read from the labels alone
 * (the daemon is the record): what `cluster status` shows and `cluster down`
 * stops.
 */
import type { ContainerInfo } from 'dockerode';
import { engine, within } from './engine.js';
import { OWNER_LABEL, ownerIsDead } from './owner.js';
import { PG_PORT, REST_PORT } from './render.js';
import { containerName, labelFilter, NODE_LABEL, RUN_LABEL } from './sweep.js';

export interface DockerRunContainer {
  node: string;
  container: string;
  state: string;
  /** Host port published for PostgreSQL and Patroni REST, when the container publishes them. */
  pgPort?: number;
  restPort?: number;
}

export interface DockerRun {
  runId: string;
  owner: string;
  ownerAlive: boolean;
  containers: DockerRunContainer[];
}

/** The host port a container publishes for an inner TCP port (`docker ps`'s 127.0.0.1:41234->5432/tcp). */
export function publishedPort(ports: ContainerInfo['Ports'], inner: number): number | undefined {
  return ports.find((p) => p.PrivatePort === inner && p.Type === 'tcp' && p.PublicPort > 0)?.PublicPort;
}

/** The runs `docker ps -a` shows by their labels; none when the daemon does not answer. */
export async function listDockerRuns(): Promise<DockerRun[]> {
  const listed = await within(60_000, (abortSignal) => engine().listContainers({ all: true, filters: labelFilter(), abortSignal })).catch(() => undefined);
  return listed === undefined ? [] : runsOf(listed);
}

export function runsOf(listed: readonly ContainerInfo[]): DockerRun[] {
  const runs = new Map<string, DockerRun>();
  for (const c of listed) {
    const runId = c.Labels[RUN_LABEL];
    if (!runId) continue;
    const owner = c.Labels[OWNER_LABEL] ?? '';
    const run = runs.get(runId) ?? { runId, owner, ownerAlive: owner !== '' && !ownerIsDead(owner), containers: [] };
    const pgPort = publishedPort(c.Ports, PG_PORT);
    const restPort = publishedPort(c.Ports, REST_PORT);
    run.containers.push({ node: c.Labels[NODE_LABEL] ?? '', container: containerName(c.Names), state: c.State, ...(pgPort ? { pgPort } : {}), ...(restPort ? { restPort } : {}) });
    runs.set(runId, run);
  }
  for (const run of runs.values()) run.containers.sort((a, b) => a.node.localeCompare(b.node));
  return [...runs.values()].sort((a, b) => a.runId.localeCompare(b.runId));
}
