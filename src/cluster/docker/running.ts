/**
 * The docker runs on this daemon as the CLI sees them through the registry:
 * `cluster status`, `cluster down` and `--version --components`.
 */
import { downEach } from '../live.js';
import { stopOwner } from '../stop-owner.js';
import type { RunningCluster } from '../types.js';
import { execIn } from './engine.js';
import { ownerIsDead } from './owner.js';
import { listDockerRuns } from './runs.js';
import { sweep } from './sweep.js';

async function execVersion(container: string | undefined, argv: string[], re: RegExp): Promise<string | null> {
  if (container === undefined) return null;
  const r = await execIn(container, argv, { timeoutMs: 30_000 }).catch(() => undefined);
  if (r === undefined || r.code !== 0) return null;
  return re.exec(`${r.stdout}${r.stderr}`)?.[1] ?? null;
}

export async function runningDocker(): Promise<RunningCluster[]> {
  return (await listDockerRuns()).map((r) => {
    const box = (node: string) => r.containers.find((c) => c.node === node)?.container;
    return {
      provider: 'docker',
      runId: r.runId,
      headline: `docker cluster ${r.runId} (owner ${r.owner}${r.ownerAlive ? '' : ', gone: `cluster down` removes it'})`,
      containers: r.containers.map((c) => ({ node: c.node, container: c.container, state: c.state })),
      rest: r.containers.flatMap((c) => (c.restPort === undefined ? [] : [{ name: c.node, url: `http://127.0.0.1:${c.restPort}` }])),
      etcdVersion: async () => {
        for (const c of r.containers.filter((x) => x.node.startsWith('etcd'))) {
          const v = await execVersion(c.container, ['etcd', '--version'], /etcd Version: (\S+)/);
          if (v !== null) return v;
        }
        return null;
      },
      // The seeds topology's pair are haproxy1 and haproxy2, one image.
      haproxyVersion: () => execVersion(box('haproxy') ?? box('haproxy1'), ['haproxy', '-v'], /version (\S+)/),
    };
  });
}

/** Asks each live owner to stop its run, then removes what is left by the run label; each run even when one before it failed. */
export async function downDocker(): Promise<string[]> {
  return downEach(await listDockerRuns(), (r) => `docker cluster ${r.runId}`, async (r) => {
    const [, pid] = r.owner.split('/');
    if (r.ownerAlive && pid !== undefined && Number(pid) !== process.pid) {
      await stopOwner(Number(pid), () => !ownerIsDead(r.owner));
    }
    const removed = await sweep(r.runId);
    return `stopped docker cluster ${r.runId}${removed.containers.length > 0 ? ` (removed ${removed.containers.length} containers, ${removed.networks.length} network(s), ${removed.volumes.length} volume(s))` : ''}`;
  });
}
