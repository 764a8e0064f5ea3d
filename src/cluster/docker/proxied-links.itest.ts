import { GenericContainer, Wait, type ImagePullPolicy } from 'testcontainers';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../../faults/index.js';
import { hasLinkImpairment } from '../types.js';
import type { DockerCluster } from './docker-cluster.js';
import { buildImages } from './images.js';
import { OWNER_LABEL, ownerLabel } from './owner.js';
import { newDockerRunId, startDockerCluster } from './start.js';
import { leftovers, NODE_LABEL, RUN_LABEL } from './sweep.js';

const fault = (action: string) => {
  const f = FAULTS.get(action);
  if (f === undefined) throw new Error(`no fault ${action}`);
  return f;
};

/** No registry is reachable: the image is built locally (buildImages) before the container is asked for. */
const NEVER_PULL: ImagePullPolicy = { shouldPull: () => false };

/**
 * A stand-in for a user's Toxiproxy on the docker host: the release's proxy
 * image in the host's network namespace (where the links bind the run's
 * bridge gateway), API on 127.0.0.1:<port>. testcontainers because its
 * lifecycle is exactly this one: start, wait until the API listens, stop and
 * remove. Ryuk is off (TESTCONTAINERS_RYUK_DISABLED in vitest.config.ts: its
 * image would come from a registry); the container carries a run label of its
 * own and this process's owner label, so if the test dies the next start's
 * orphan reaping (reapOrphans) or `cluster down` sweeps it. testcontainers
 * reaches the daemon the engine module does: DOCKER_HOST, else the local socket.
 */
async function hostToxiproxy(port: number) {
  const image = (await buildImages({ release: 'bookworm' })).tags.proxy;
  const runId = newDockerRunId();
  const started = await new GenericContainer(image)
    .withPullPolicy(NEVER_PULL)
    .withName(`pc-${runId}-toxiproxy`)
    .withLabels({ [RUN_LABEL]: runId, [OWNER_LABEL]: ownerLabel(), [NODE_LABEL]: 'toxiproxy' })
    .withNetworkMode('host')
    .withCommand(['--host', '127.0.0.1', '--port', String(port)])
    // In the host's namespace nothing is published for a port check to map: main.js logs this once the API listens.
    .withWaitStrategy(Wait.forLogMessage('Toxiproxy-compatible API listening on'))
    .withStartupTimeout(30_000)
    .start();
  return { url: `http://127.0.0.1:${port}`, stop: () => started.stop() };
}

const rulesIn = async (c: DockerCluster, n: string) => (await c.exec(n, ['iptables', '-S'], { user: 'root' })).stdout;

// Issue 20 part 1: a run with a latency fault puts each member's links through the proxy container;
// one bookworm cluster (images built when missing), about 30 s warm.
describe('docker provider with proxied links', () => {
  let cluster: DockerCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  it('slows a member\'s etcd links through the proxy container, proven on the link; cuts there with iptables; leaves nothing behind', async () => {
    await buildImages({ release: 'bookworm' });
    const c = await startDockerCluster({ release: 'bookworm', startTimeoutMs: 180_000, proxied: true });
    cluster = c;
    expect(hasLinkImpairment(c)).toBe(true);
    // The minimal topology's 7, the run's Prometheus and Alertmanager, and the proxy container.
    expect((await leftovers(c.runId)).containers).toHaveLength(10);
    // Patroni reaches etcd through its own links only, and advertises its peer links (the proxy's address).
    const view = await (await fetch(`${c.members[0]!.restUrl}/cluster`)).json() as { members: { host: string; port: number }[] };
    expect(new Set(view.members.map((m) => m.host))).toEqual(new Set([c.node('toxiproxy').ip]));

    const injected = await fault('slow-dcs').inject(c, ['patroni2'], { latency_ms: 40 });
    expect(injected.effect).toMatch(/^latency 40 ms each way: patroni2-etcd1 \+\d+ ms \(round trip \d+ ms against \d+ ms before; at least 80 ms expected\)/);
    expect(await injected.heal?.()).toBe('removed 6 toxics from patroni2-etcd1, patroni2-etcd2, patroni2-etcd3; all enabled and clean');

    // A cut in a proxied run: iptables rules on the links' ports in the proxy container, proven by probes through each link.
    const cut = await fault('cut-clients').inject(c, ['patroni3'], {});
    expect(cut.effect).toMatch(/^2 path\(s\) silent for 1000 ms with the cut in, each answered before it \(slowest \d+ ms\): harness -> patroni3-pg-client, harness -> patroni3-rest-client$/);
    expect(await rulesIn(c, 'toxiproxy')).toMatch(/--dport 1\d{4} .*-j DROP/);
    expect(await cut.heal?.()).toMatch(/^removed the rules of cut_clients; 2 path\(s\) answer again/);
    expect(await rulesIn(c, 'toxiproxy')).not.toMatch(/DROP/);

    // A grudge would leave the proxied paths open: it is refused, not run half-way.
    await expect(fault('partition-hosts').inject(c, [], { grudge: 'bridge' })).rejects.toThrow(/go through the link proxy/);

    const runId = c.runId;
    await c.stop();
    expect(await leftovers(runId)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 300_000);

  it('uses a Toxiproxy on the docker host instead, and removes its links from it afterwards', async () => {
    // A separately started server on the host stands in for a user's Toxiproxy: the harness may only use its API.
    const external = await hostToxiproxy(8700 + Math.floor(Math.random() * 100));
    try {
      const url = external.url;
      const c = await startDockerCluster({ release: 'bookworm', startTimeoutMs: 180_000, proxied: true, toxiproxy: url });
      cluster = c;
      // No proxy container: the minimal topology's 7 and the run's Prometheus and Alertmanager.
      expect((await leftovers(c.runId)).containers).toHaveLength(9);
      const injected = await fault('slow-clients').inject(c, ['patroni1'], { latency_ms: 30 });
      expect(injected.effect).toMatch(/^latency 30 ms each way: patroni1-pg-client .*patroni1-rest-client \+\d+ ms/);
      await injected.heal?.();
      const cut = await fault('partition-dcs').inject(c, ['patroni1'], {});
      expect(cut.detail).toMatch(/blackhole in the Toxiproxy on patroni1-etcd1, patroni1-etcd2, patroni1-etcd3/);
      await cut.heal?.();
      await c.stop();
      expect(await (await fetch(`${url}/proxies`)).json()).toEqual({});
    } finally {
      await external.stop();
    }
  }, 300_000);
});
