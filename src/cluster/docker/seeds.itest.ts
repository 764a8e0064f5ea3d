import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill } from '../../faults/kill.js';
import { resolveTarget } from '../../faults/resolve-target.js';
import { stop } from '../../faults/stop.js';
import type { WriteEvent } from '../../history/events.js';
import { addressKey } from '../../workload/connection.js';
import { createSchema } from '../../workload/schema.js';
import { Workload } from '../../workload/workload.js';
import { healthStatus } from '../patroni-api.js';
import { withSql } from '../sql.js';
import { pollUntil } from '../wait/poll.js';
import { evaluating, readApi } from '../../alerts/prometheus-read.js';
import { DOCKER_ETCD, DOCKER_MEMBERS, type DockerCluster } from './docker-cluster.js';
import { ETCD_CLIENT_PORT, REST_PORT } from './render.js';
import { buildImages, type Release } from './images.js';
import { startDockerCluster } from './start.js';
import { leftovers } from './sweep.js';

// The seeds topology on one release (bookworm unless PATRONI_CHAOS_DOCKER_RELEASE names another):
// client -> VIP -> HAProxy -> PgBouncer (pool_mode = transaction) -> PostgreSQL, and the VIP moving
// when its holder dies. Bookworm is the default: its PgBouncer 1.18 is the one that keeps no
// prepared statement across transactions, which the workload's unnamed statement must get through.
const release = (process.env['PATRONI_CHAOS_DOCKER_RELEASE'] ?? 'bookworm') as Release;

describe(`docker provider, seeds topology on ${release}`, () => {
  let cluster: DockerCluster | undefined;

  beforeAll(async () => {
    await buildImages({ release });
  }, 600_000);

  afterAll(async () => {
    const runId = cluster?.runId;
    await cluster?.stop();
    // Nothing of the run is left: the HAProxy pair, the members' volumes and the network carry the run label.
    if (runId !== undefined) expect(await leftovers(runId)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 120_000);

  it('writes through the VIP reach the primary by its PgBouncer, the workload\'s writes among them, and a killed VIP holder hands the VIP to the other HAProxy', async () => {
    const t0 = Date.now();
    const c = await startDockerCluster({ release, topology: 'seeds', startTimeoutMs: 180_000 });
    cluster = c;
    process.stderr.write(`seeds cluster healthy in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    // etcd1-3, patroni1-3, the HAProxy pair, and the run's Prometheus and Alertmanager.
    expect((await leftovers(c.runId)).containers).toHaveLength(10);
    // Prometheus scrapes the seeds topology's Patroni and etcd /metrics at the containers' own addresses, as on the
    // minimal one (the VIP, the HAProxy pair and PgBouncer are no targets), and evaluates every documented rule over them.
    const m = c.monitoring;
    if ('missing' in m) throw new Error(`no Prometheus in the seeds run: ${m.missing}`);
    expect([...(m.targets ?? [])].sort()).toEqual([...DOCKER_MEMBERS.map((n) => `${c.ip(n)}:${REST_PORT}`), ...DOCKER_ETCD.map((n) => `${c.ip(n)}:${ETCD_CLIENT_PORT}`)].sort());
    await pollUntil(async () => evaluating(await readApi(m.prometheusUrl), m.rules.map((r) => r.name), m.targets), { timeoutMs: 30_000, intervalMs: 500, what: 'Prometheus scraping every target and evaluating every rule' });
    expect(c.endpoints.primary).toEqual({ host: c.vip, port: 5000 });
    expect(await c.vipHolder?.(2000)).toBe('haproxy1');

    const statuses = await Promise.all(c.members.map((m) => healthStatus(m.restUrl, '/primary')));
    const primary = c.members[statuses.indexOf(200)]!;
    // Through PgBouncer the server sees its session come from the member itself, not from an HAProxy.
    const seen = await withSql(c.endpoints.primary, c.credentials, async (s) => (await s.query(
      'SELECT host(inet_server_addr()) AS server, host(client_addr) AS client FROM pg_stat_activity WHERE pid = pg_backend_pid()',
    )).rows[0] as { server: string; client: string });
    expect(seen).toEqual({ server: c.node(primary.name).ip, client: c.node(primary.name).ip });

    // The workload as a run has it, through the VIP: 8 writers share PgBouncer's server connections
    // transaction by transaction, so a write that needed a statement prepared in another one would fail.
    await withSql(c.endpoints.primary, c.credentials, (s) => createSchema(s, c.runId), { timeoutMs: 10_000 });
    const writes: WriteEvent[] = [];
    const nodeByAddress = new Map(c.members.map((m) => [addressKey(m.serverAddress.host, m.serverAddress.port), m.name]));
    const w = new Workload({ writers: 8, timeoutMs: 5000 }, { endpoint: c.endpoints.primary, credentials: c.credentials, nodeByAddress }, (e) => writes.push(e));
    w.start();
    await new Promise((r) => setTimeout(r, 5000));
    await w.stop();
    const failed = writes.filter((e) => e.outcome !== 'ok');
    process.stderr.write(`workload through the VIP: ${writes.length - failed.length} ok, ${failed.length} not; first error: ${failed[0]?.error ?? 'none'}\n`);
    expect(failed).toEqual([]);
    expect(writes.length).toBeGreaterThan(100);
    expect(new Set(writes.map((e) => e.node))).toEqual(new Set([primary.name]));

    expect(await resolveTarget(c, 'haproxy-active')).toEqual(['haproxy1']);
    const injected = await kill.inject(c, ['haproxy1'], {});
    process.stderr.write(`kill haproxy-active: ${injected.effect ?? ''}\n`);
    expect(injected.effect).toMatch(/^the VIP \S+ answered from haproxy2 /);
    const killedAt = Date.now();
    await pollUntil(async () => withSql(c.endpoints.primary, c.credentials, async (s) => ((await s.query('SELECT txid_current()')).rowCount === 1 ? true as const : 'no row'))
      .catch((err: unknown) => String(err)), { timeoutMs: 30_000, intervalMs: 100, what: 'a write through the VIP' });
    process.stderr.write(`a write through the VIP ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the VIP moved\n`);
    expect(await injected.heal?.()).toBe('haproxy1 started and answering');
    // keepalived's priorities (100 over 90, preemption on) bring the VIP back to haproxy1.
    await pollUntil(async () => ((await c.vipHolder?.(500)) === 'haproxy1' ? true : 'the VIP is elsewhere'), { timeoutMs: 15_000, intervalMs: 200, what: 'the VIP back on haproxy1' });
  }, 600_000);

  it('kill of the primary\'s PgBouncer: HAProxy, which asks Patroni only, keeps routing to its dead port and no write gets through; Patroni keeps its leader; heal brings the writes back; stop is proven and healed too', async () => {
    const c = cluster;
    if (c === undefined) throw new Error('the cluster of the test before did not start');
    const statuses = await Promise.all(c.members.map((m) => healthStatus(m.restUrl, '/primary')));
    const primary = c.members[statuses.indexOf(200)]!;
    const [target] = await resolveTarget(c, 'pgbouncer:primary');
    expect(target).toBe(`pgbouncer:${primary.name}`);
    const write = () => withSql(c.endpoints.primary, c.credentials, async (s) => ((await s.query('SELECT txid_current()')).rowCount === 1 ? true as const : 'no row'), { timeoutMs: 3000 })
      .catch((err: unknown) => String(err));
    const written = () => pollUntil(write, { timeoutMs: 30_000, intervalMs: 200, what: 'a write through the VIP' });
    await written();
    // HAProxy's view of the primary listener's server on that member (stats CSV, through the VIP).
    const serverStatus = async () => {
      const csv = await (await fetch(`${c.endpoints.statsUrl};csv`)).text();
      const [head, ...rows] = csv.split('\n');
      const cols = (head ?? '').replace(/^# /, '').split(',');
      const row = rows.map((r) => r.split(',')).find((r) => r[cols.indexOf('pxname')] === 'primary' && r[cols.indexOf('svname')] === primary.name);
      return row?.[cols.indexOf('status')];
    };

    const killed = await kill.inject(c, [target as string], {});
    process.stderr.write(`kill ${target}: ${killed.detail ?? ''}; effect: ${killed.effect ?? ''}\n`);
    expect(killed.effect).toMatch(new RegExp(`^${primary.name}: PgBouncer pid \\d+ gone and its port refuses `));
    const t0 = Date.now();
    const outcomes: Array<true | string> = [];
    while (Date.now() - t0 < 12_000) {
      outcomes.push(await write());
      await new Promise((r) => setTimeout(r, 500));
    }
    const status = await serverStatus();
    process.stderr.write(`12 s after the kill: ${outcomes.filter((o) => o === true).length} of ${outcomes.length} writes through the VIP got through; HAProxy's primary/${primary.name} is ${status ?? 'not listed'}; first error: ${String(outcomes.find((o) => o !== true))}\n`);
    // 12 s is two of HAProxy's fall 3 x inter 2 s: had its check seen the dead port, the server would be DOWN.
    expect(status).toBe('UP');
    expect(outcomes.filter((o) => o === true)).toEqual([]);
    expect(await healthStatus(primary.restUrl, '/primary')).toBe(200);
    expect(await killed.heal?.()).toMatch(new RegExp(`^${primary.name}: PgBouncer pid \\d+ started and answering$`));
    await written();

    const stopped = await stop.inject(c, [target as string], {});
    process.stderr.write(`stop ${target}: ${stopped.effect ?? ''}\n`);
    expect(stopped.effect).toMatch(new RegExp(`^${primary.name}: PgBouncer pid \\d+ stopped, its port accepts and answers nothing `));
    expect(await stopped.heal?.()).toBe(`${primary.name}: PgBouncer continued (SIGCONT) and answering`);
    await written();
    expect(await healthStatus(primary.restUrl, '/primary')).toBe(200);
  }, 300_000);
});
