/**
 * The clusters running on this machine, of every provider, as `cluster
 * status` and `--version --components` see them: read from the local run
 * records and the docker daemon's labels. Reads only; changes nothing.
 */
import { dirname } from 'node:path';
import { request } from 'undici';
import { HarnessError } from '../errors.js';
import { docker } from '../cluster/docker/cli.js';
import { listDockerRuns } from '../cluster/docker/runs.js';
import { listRuns, ownerAlive, type RunRecord } from '../cluster/local/run-record.js';
import { componentVersions, findBinaries } from '../cluster/local/system.js';
import { buildTopology, HOST } from '../cluster/local/topology.js';

export interface RunningCluster {
  provider: 'local' | 'docker';
  runId: string;
  /** What a person reads first: owner, port base, primary endpoint. */
  headline: string;
  /** Docker only: each container and its state. */
  containers?: Array<{ node: string; container: string; state: string }>;
  portBase?: number;
  /** Patroni REST of each member, as published on this host. */
  rest: Array<{ name: string; url: string }>;
  /** etcd's version, asked of the cluster's own etcd; null when none answers. */
  etcdVersion(): Promise<string | null>;
  /** HAProxy's version, from the binary the cluster runs; null when unknown. */
  haproxyVersion(): Promise<string | null>;
}

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

async function execVersion(container: string | undefined, argv: string[], re: RegExp): Promise<string | null> {
  if (container === undefined) return null;
  const r = await docker(['exec', container, ...argv], { timeoutMs: 30_000 }).catch(() => undefined);
  if (r === undefined || r.code !== 0) return null;
  return re.exec(`${r.stdout}${r.stderr}`)?.[1] ?? null;
}

/** Every running cluster: docker runs first (by run id), then local ones. */
export async function runningClusters(): Promise<RunningCluster[]> {
  const out: RunningCluster[] = [];
  for (const r of await listDockerRuns()) {
    const box = (node: string) => r.containers.find((c) => c.node === node)?.container;
    out.push({
      provider: 'docker',
      runId: r.runId,
      headline: `docker cluster ${r.runId} (owner ${r.owner}${r.ownerAlive ? '' : ', gone: `cluster down` removes it'})`,
      containers: r.containers.map((c) => ({ node: c.node, container: c.container, state: c.state })),
      rest: r.containers.flatMap((c) => (c.restPort === undefined ? [] : [{ name: c.node, url: `http://${HOST}:${c.restPort}` }])),
      etcdVersion: async () => {
        for (const c of r.containers.filter((x) => x.node.startsWith('etcd'))) {
          const v = await execVersion(c.container, ['etcd', '--version'], /etcd Version: (\S+)/);
          if (v !== null) return v;
        }
        return null;
      },
      haproxyVersion: () => execVersion(box('haproxy'), ['haproxy', '-v'], /version (\S+)/),
    });
  }
  for (const r of liveRuns()) {
    const t = buildTopology({ runId: r.runId, runRoot: dirname(r.runDir), portBase: r.portBase }, {});
    out.push({
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
    });
  }
  return out;
}
