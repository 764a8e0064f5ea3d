import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberList, memberStatus } from '../cluster/etcd-api.js';
import type { DockerCluster } from '../cluster/docker/docker-cluster.js';
import { buildImages, type Release } from '../cluster/docker/images.js';
import { leftovers } from '../cluster/docker/sweep.js';
import { startDockerCluster } from '../cluster/docker/start.js';
import { moveEtcdLeader } from './move-etcd-leader.js';
import { resolveTarget } from './resolve-target.js';
import { starveCpu } from './starve-cpu.js';

// One docker cluster (forky unless PATRONI_CHAOS_DOCKER_RELEASE says otherwise): the two faults
// the 4.0 -> 4.1 defect scenarios need, each proven on real containers.
const release = (process.env['PATRONI_CHAOS_DOCKER_RELEASE'] ?? 'forky') as Release;

describe(`move-etcd-leader and starve-cpu on docker (${release})`, () => {
  let c: DockerCluster | undefined;

  beforeAll(async () => {
    await buildImages({ release });
    c = await startDockerCluster({ release, startTimeoutMs: 180_000 });
  }, 600_000);

  afterAll(async () => {
    const runId = c?.runId;
    await c?.stop();
    if (runId !== undefined) expect(await leftovers(runId)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 120_000);

  it('moves etcd\'s leadership to a follower, which every etcd member then reports, and refuses to move it to the leader', async () => {
    const cluster = c as DockerCluster;
    const leaderOf = async (url: string) => {
      const [s, ms] = await Promise.all([memberStatus(url), memberList(url)]);
      return ms.find((m) => m.id === s.leaderId)?.name;
    };
    const before = await leaderOf(cluster.etcd[0]!.clientUrl);
    const [to] = await resolveTarget(cluster, 'etcd-follower');
    expect(to).not.toBe(before);
    const r = await moveEtcdLeader.inject(cluster, [to as string], {});
    expect(r.detail).toMatch(new RegExp(`^etcd leader ${before} -> ${to} \\(raft term \\d+ -> \\d+;`));
    expect(r.heal).toBeUndefined();
    for (const e of cluster.etcd) expect(await leaderOf(e.clientUrl)).toBe(to);
    await expect(moveEtcdLeader.inject(cluster, [to as string], {})).rejects.toThrow('already leads etcd');
  }, 60_000);

  it('caps the primary\'s container at 0.05 CPU, read back from docker and the cgroup, and puts every CPU back on heal', async () => {
    const cluster = c as DockerCluster;
    const [primary] = await resolveTarget(cluster, 'primary');
    const nano = () => cluster.box(primary as string).nanoCpus();
    const r = await starveCpu.inject(cluster, [primary as string], {});
    expect(r.detail).toBe(`${primary}: capped at 0.05 CPU (was uncapped; read back NanoCpus 50000000, cgroup quota 0.05 CPU)`);
    expect(await nano()).toBe(50_000_000);
    expect(await r.heal?.()).toMatch(/CPU cap back to \d+ CPU \(uncapped before: every CPU of the host\); read back NanoCpus \d+000000000, cgroup quota \d+ CPU$/);
    expect(await nano()).toBeGreaterThanOrEqual(1_000_000_000);
  }, 60_000);
});
