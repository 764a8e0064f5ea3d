/**
 * The docker runs that exist on this daemon, read from the labels alone
 * (the daemon is the record): what `cluster status` shows and `cluster down`
 * stops.
 */
import { docker } from './cli.js';
import { OWNER_LABEL, ownerIsDead } from './owner.js';
import { PG_PORT, REST_PORT } from './render.js';
import { NODE_LABEL, RUN_LABEL } from './sweep.js';

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

function publishedPort(ports: string, inner: number): number | undefined {
  const m = new RegExp(`:(\\d+)->${inner}/tcp`).exec(ports);
  return m ? Number(m[1]) : undefined;
}

export async function listDockerRuns(): Promise<DockerRun[]> {
  const sep = '\t';
  const fmt = [`{{.Label "${RUN_LABEL}"}}`, `{{.Label "${OWNER_LABEL}"}}`, `{{.Label "${NODE_LABEL}"}}`, '{{.Names}}', '{{.State}}', '{{.Ports}}'].join(sep);
  const r = await docker(['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', fmt], { timeoutMs: 60_000 });
  if (r.code !== 0) return [];
  const runs = new Map<string, DockerRun>();
  for (const line of r.stdout.split('\n')) {
    const [runId, owner = '', node = '', container = '', state = '', ports = ''] = line.split(sep);
    if (!runId) continue;
    const run = runs.get(runId) ?? { runId, owner, ownerAlive: owner !== '' && !ownerIsDead(owner), containers: [] };
    const pgPort = publishedPort(ports, PG_PORT);
    const restPort = publishedPort(ports, REST_PORT);
    run.containers.push({ node, container, state, ...(pgPort ? { pgPort } : {}), ...(restPort ? { restPort } : {}) });
    runs.set(runId, run);
  }
  for (const run of runs.values()) run.containers.sort((a, b) => a.node.localeCompare(b.node));
  return [...runs.values()].sort((a, b) => a.runId.localeCompare(b.runId));
}
