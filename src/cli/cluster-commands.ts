import { PROVIDERS } from '../cluster/registry.js';
import type { ProviderEntry, StartedCluster } from '../cluster/types.js';
import { errorMessage, HarnessError } from '../errors.js';
import { DEFAULT_WAIT_MS } from '../scenario/steps.js';
import { ScenarioError } from '../scenario/errors.js';
import type { Replication, Topology } from '../scenario/types.js';
import { setSignalExitCode } from './shutdown.js';

export interface UpOptions {
  provider: string;
  portBase?: number;
  release?: string;
  replication: Replication;
  /** What stands between the clients and PostgreSQL (sla/types.ts); absent: minimal. */
  topology?: Topology;
  set?: Record<string, unknown>;
}

/** Stays up until a signal; the shutdown handlers stop the cluster and exit 0: that is how `up` ends. */
async function holdUntilSignal(): Promise<never> {
  setSignalExitCode(0);
  return new Promise<never>(() => setInterval(() => undefined, 1 << 30));
}

function entryOf(name: string): ProviderEntry {
  const entry = PROVIDERS.get(name);
  if (entry === undefined) throw new ScenarioError([{ file: '', line: 0, column: 0, path: '--provider', message: `unknown provider ${name}; expected one of ${[...PROVIDERS.keys()].join(', ')}` }]);
  return entry;
}

/** What a person needs to reach a started cluster, whatever its provider, then the provider's own lines. */
export function describeUp(c: StartedCluster, entry: ProviderEntry): string {
  const v = c.versions;
  const su = c.credentials.superuser;
  const e = c.endpoints;
  return [
    `${c.provider} cluster ${c.runId} is up (${c.release === undefined ? '' : `${c.release}: `}patroni ${v.patroni}, postgres ${v.postgres}, etcd ${v.etcd}, haproxy ${v.haproxy}; ${c.replication} replication), run folder ${c.runDir}`,
    `  primary (read-write): ${e.primary.host}:${e.primary.port}`,
    `  replicas (read-only): ${e.replicas.host}:${e.replicas.port}`,
    `  any member:           ${e.any.host}:${e.any.port}`,
    `  HAProxy stats:        ${e.statsUrl}`,
    ...c.members.map((m) => `  ${m.name}: postgres ${m.pg.host}:${m.pg.port}, REST ${m.restUrl}`),
    `  etcd: ${c.etcd.map((x) => x.clientUrl).join(',')}`,
    `connect: PGPASSWORD=${su.password} psql -h ${e.primary.host} -p ${e.primary.port} -U ${su.username} postgres`,
    ...(entry.describe?.(c) ?? []),
    'Ctrl-C or `patroni-chaos cluster down` stops it and removes what it made.',
    '',
  ].join('\n');
}

/** `cluster up`: starts a cluster through the registry and keeps it until Ctrl-C or `cluster down`. */
export async function clusterUp(o: UpOptions): Promise<void> {
  const t0 = Date.now();
  const say = (m: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
  const entry = entryOf(o.provider);
  if (o.release !== undefined && entry.releases === undefined) {
    throw new ScenarioError([{ file: '', line: 0, column: 0, path: '--release', message: `needs --provider ${[...PROVIDERS.values()].filter((p) => p.releases).map((p) => p.name).join(' or ')}: the ${entry.name} provider runs the components installed on this machine` }]);
  }
  const topology = o.topology ?? 'minimal';
  if (!(entry.topologies ?? ['minimal']).includes(topology)) {
    throw new ScenarioError([{ file: '', line: 0, column: 0, path: '--topology', message: `provider "${entry.name}" cannot make topology "${topology}" (it makes ${(entry.topologies ?? ['minimal']).join(', ')})` }]);
  }
  const refused = entry.topologyRefusal?.(topology, o.release, { shapedLinks: false });
  if (refused !== undefined) throw new ScenarioError([{ file: '', line: 0, column: 0, path: '--topology', message: refused }]);
  const cluster = await entry.create({
    replication: o.replication, patroni: {}, startTimeoutMs: DEFAULT_WAIT_MS.healthy, network: false,
    ...(o.release === undefined ? {} : { release: o.release }),
    ...(o.topology === undefined ? {} : { topology: o.topology }),
    ...(o.portBase === undefined ? {} : { portBase: o.portBase }),
  }).start({ onProgress: say });
  say('cluster healthy');
  process.stdout.write(describeUp(cluster, entry));
  return holdUntilSignal();
}

/**
 * `cluster down`: each provider stops its runs (asking their owners first)
 * and removes what is left; a provider that failed leaves the next one to
 * its work, and the failure is thrown (exit 3) once all have run.
 */
export async function clusterDown(providers: readonly Pick<ProviderEntry, 'down'>[] = [...PROVIDERS.values()]): Promise<string> {
  const lines: string[] = [];
  let failed: unknown;
  // Docker runs first, as `cluster status` lists them.
  for (const entry of [...providers].reverse()) {
    try {
      lines.push(...(await entry.down?.() ?? []));
    } catch (err) {
      failed ??= err;
      lines.push(errorMessage(err));
    }
  }
  if (failed !== undefined) throw new HarnessError('INTERNAL', lines.join('\n'), { cause: failed });
  return lines.length > 0 ? lines.join('\n') : 'no cluster was running';
}
