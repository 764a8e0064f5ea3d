import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill } from '../../faults/kill.js';
import { resolveTarget } from '../../faults/resolve-target.js';
import { healthStatus } from '../patroni-api.js';
import { withSql } from '../sql.js';
import { pollUntil } from '../wait/poll.js';
import type { DockerCluster } from './docker-cluster.js';
import { buildImages, type Release } from './images.js';
import { startDockerCluster } from './start.js';
import { leftovers } from './sweep.js';

// The seeds topology on one release (trixie unless PATRONI_CHAOS_DOCKER_RELEASE names forky):
// client -> VIP -> HAProxy -> PgBouncer -> PostgreSQL, and the VIP moving when its holder dies.
const release = (process.env['PATRONI_CHAOS_DOCKER_RELEASE'] ?? 'trixie') as Release;

describe(`docker provider, seeds topology on ${release}`, () => {
  let cluster: DockerCluster | undefined;

  beforeAll(async () => {
    await buildImages({ release });
  }, 600_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  it('writes through the VIP reach the primary by its PgBouncer, and a killed VIP holder hands the VIP to the other HAProxy', async () => {
    const t0 = Date.now();
    const c = await startDockerCluster({ release, topology: 'seeds', startTimeoutMs: 180_000 });
    cluster = c;
    process.stderr.write(`seeds cluster healthy in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    expect((await leftovers(c.runId)).containers).toHaveLength(8);
    expect(c.endpoints.primary).toEqual({ host: c.vip, port: 5000 });
    expect(await c.vipHolder?.(2000)).toBe('haproxy1');

    const statuses = await Promise.all(c.members.map((m) => healthStatus(m.restUrl, '/primary')));
    const primary = c.members[statuses.indexOf(200)]!;
    // Through PgBouncer the server sees its session come from the member itself, not from an HAProxy.
    const seen = await withSql(c.endpoints.primary, c.credentials, async (s) => (await s.query(
      'SELECT host(inet_server_addr()) AS server, host(client_addr) AS client FROM pg_stat_activity WHERE pid = pg_backend_pid()',
    )).rows[0] as { server: string; client: string });
    expect(seen).toEqual({ server: c.node(primary.name).ip, client: c.node(primary.name).ip });

    expect(await resolveTarget(c, 'haproxy-active')).toEqual(['haproxy1']);
    const injected = await kill.inject(c, ['haproxy1'], {});
    process.stderr.write(`kill haproxy-active: ${injected.effect ?? ''}\n`);
    expect(injected.effect).toMatch(/^the VIP \S+ answered from haproxy2 /);
    const killedAt = Date.now();
    await pollUntil(async () => withSql(c.endpoints.primary, c.credentials, async (s) => ((await s.query('SELECT txid_current()')).rowCount === 1 ? true as const : 'no row'))
      .catch((err: unknown) => String(err)), { timeoutMs: 30_000, intervalMs: 100, what: 'a write through the VIP' });
    process.stderr.write(`a write through the VIP ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the VIP moved\n`);
    await injected.heal?.();
  });
});
