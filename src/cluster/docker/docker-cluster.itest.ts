import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, healthStatus, isPrimaryRole } from '../patroni-api.js';
import { queryOne, withSql } from '../sql.js';
import { pollUntil } from '../wait/poll.js';
import type { DockerCluster } from './docker-cluster.js';
import { startDockerCluster } from './start.js';
import { buildImages, RELEASES, type Release } from './images.js';
import { leftovers } from './sweep.js';

// Builds the images when they are missing (about 2 minutes cold on 2 cores,
// a fraction of a second warm), then boots a cluster in containers, on each
// release; PATRONI_CHAOS_DOCKER_RELEASE=trixie runs only that one.
const only = process.env['PATRONI_CHAOS_DOCKER_RELEASE'] as Release | undefined;
const releases: readonly Release[] = only === undefined ? RELEASES : [only];
const EXPECTED: Record<Release, { patroni: RegExp; postgres: RegExp; etcd: RegExp; haproxy: RegExp }> = {
  bookworm: { patroni: /^3\.0\.2$/, postgres: /^15\./, etcd: /^3\.4\./, haproxy: /^2\.6\./ },
  trixie: { patroni: /^4\.0\./, postgres: /^17\./, etcd: /^3\.5\./, haproxy: /^3\.0\./ },
  // testing moves: a floor on Patroni's line, the majors the release table names.
  forky: { patroni: /^4\.(1|[2-9])\./, postgres: /^18\./, etcd: /^3\.5\./, haproxy: /^3\.2\./ },
};

describe.each(releases)('docker provider, %s (etcd, Patroni, PostgreSQL, HAProxy in containers)', (release) => {
  let cluster: DockerCluster | undefined;
  let runId = '';

  beforeAll(async () => {
    await buildImages({ release });
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  it('starts healthy, fails over when the primary container is killed, and leaves nothing labelled behind', async () => {
    const c = await startDockerCluster({ release, startTimeoutMs: 180_000 });
    cluster = c;
    runId = c.runId;

    const want = EXPECTED[release];
    expect(c.versions.patroni).toMatch(want.patroni);
    expect(c.versions.postgres).toMatch(want.postgres);
    expect(c.versions.etcd).toMatch(want.etcd);
    expect(c.versions.haproxy).toMatch(want.haproxy);

    const left = await leftovers(runId);
    // etcd1-3, patroni1-3, haproxy, and the run's Prometheus and Alertmanager.
    expect(left.containers).toHaveLength(9);
    expect(left.networks).toEqual([`pc-${runId}`]);
    expect(left.volumes).toHaveLength(3);

    // Exactly one member answers /primary with 200, and HAProxy's primary port reaches it.
    const statuses = await Promise.all(c.members.map((m) => healthStatus(m.restUrl, '/primary')));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    const primary = c.members[statuses.indexOf(200)]!;
    const addr = await withSql(c.endpoints.primary, c.credentials, async (s) => {
      await s.query('CREATE TABLE itest (id int PRIMARY KEY, v text)');
      await s.query("INSERT INTO itest VALUES (1, 'before failover')");
      return (await s.query('SELECT host(inet_server_addr()) AS a')).rows[0].a as string;
    });
    expect(addr).toBe(c.node(primary.name).ip);

    // A partition adds rules carrying its own tag and its cure removes exactly them.
    const replicas = c.members.filter((m) => m !== primary).map((m) => m.name);
    const [r1, r2] = replicas as [string, string];
    const rules = async (n: string) => (await c.exec(n, ['iptables', '-S', 'INPUT'], { user: 'root' })).stdout;
    const cure = await c.partition(r1, r2);
    expect(await rules(r1)).toContain(c.node(r2).ip);
    expect(await rules(r2)).toContain(c.node(r1).ip);
    await cure();
    expect(await rules(r1)).not.toContain(c.node(r2).ip);
    expect(await rules(r2)).not.toContain(c.node(r1).ip);
    const oneWay = await c.partition(r1, r2, { oneWay: true });
    expect(await rules(r2)).toContain(c.node(r1).ip);
    expect(await rules(r1)).not.toContain(c.node(r2).ip);
    await oneWay();
    expect(await rules(r2)).not.toContain(c.node(r1).ip);

    // Issue 19: a cut is proven by a TCP connect across each path falling silent, its cure by the connect answering again;
    // a cure while an end is paused fails with the rule still in force, and removes it once that end is thawed.
    const cut = await c.cutLinks(r1, ['peer']);
    expect(cut.probes.map((p) => `${p.from}>${p.to} ${p.before.kind} ${p.during.kind}`).sort()).toEqual([`${r1}>${primary.name} answered silent`, `${r1}>${r2} answered silent`].sort());
    await c.pause(r1);
    await expect(cut.cure()).rejects.toThrow(new RegExp(`${r1} is paused \\(frozen by another fault\\?\\): its rule dropping .* stays in force`));
    await c.unpause(r1);
    expect(await rules(r1)).toContain(c.node(r2).ip);
    expect((await cut.cure()).map((p) => p.after.kind)).toEqual(['answered', 'answered']);
    expect(await rules(r1)).not.toContain(c.node(r2).ip);

    // A frozen replica keeps its container but answers nothing; thawed, it answers again.
    const frozen = c.members.find((m) => m.name === r2)!;
    await c.pause(r2);
    expect(await c.state(r2)).toBe('paused');
    await expect(healthStatus(frozen.restUrl, '/health', 1000)).rejects.toThrow();
    await c.unpause(r2);
    expect(await c.state(r2)).toBe('running');
    expect(await healthStatus(frozen.restUrl, '/health', 5000)).toBe(200);

    // Kill the primary's container: a replica takes the leader key and HAProxy routes writes to it.
    const killedAt = Date.now();
    await c.kill(primary.name);
    expect(await c.state(primary.name)).toBe('exited');
    let newLeader = '';
    await pollUntil(async () => {
      const view = await getCluster(c.members.find((m) => m.name === r1)!.restUrl, 1500);
      const leader = view.members.find((m) => isPrimaryRole(m.role) && m.state === 'running');
      if (leader === undefined || leader.name === primary.name) return `no new leader yet (${view.members.map((m) => `${m.name}:${m.role}/${m.state}`).join(', ')})`;
      newLeader = leader.name;
      await withSql(c.endpoints.primary, c.credentials, (s) => s.query("INSERT INTO itest VALUES (2, 'after failover')"));
      return true;
    }, { timeoutMs: 120_000, intervalMs: 500, what: 'a new leader taking writes through HAProxy' });
    const recoveredMs = Date.now() - killedAt;
    expect(replicas).toContain(newLeader);
    const rows = await queryOne<{ n: string }>(c.endpoints.primary, c.credentials, 'SELECT count(*) AS n FROM itest');
    expect(Number(rows?.n)).toBe(2);
    console.log(`docker run ${runId}: ${primary.name} killed, ${newLeader} took writes through HAProxy after ${(recoveredMs / 1000).toFixed(1)} s`);

    // The killed container comes back on its address and host ports, and rejoins as a replica.
    await c.restartContainer(primary.name);
    await pollUntil(async () => {
      const view = await getCluster(c.members.find((m) => m.name === newLeader)!.restUrl, 1500);
      const old = view.members.find((m) => m.name === primary.name);
      return old !== undefined && !isPrimaryRole(old.role) && (old.state === 'running' || old.state === 'streaming') ? true : `old primary: ${JSON.stringify(old)}`;
    }, { timeoutMs: 120_000, intervalMs: 500, what: `${primary.name} rejoining as a replica` });

    await c.stop();
    await c.stop(); // stopping twice is harmless
    expect(await leftovers(runId)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
