import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootDcs, deepMerge, effectiveDcs } from './render/dcs.js';
import { wakeHaLoop } from './patroni-api.js';
import { APPLIED_DCS_FILE, appliedDcsIn, applyScenarioDcs, inForce, parseAppliedDcs, sendEarly } from './scenario-dcs.js';

const scenario = effectiveDcs('synchronous', { ttl: 20, retry_timeout: 5 });
const auth = { username: 'patroni', password: 'pw' };

describe('inForce', () => {
  it('holds when every member answers and applied the scenario settings', () => {
    expect(inForce(scenario, [{ member: 'patroni1', config: scenario, applied: scenario }])).toBe(true);
  });

  it('names the member still on the boot settings, in the DCS or in what it applied', () => {
    const boot = bootDcs(scenario);
    expect(inForce(scenario, [{ member: 'patroni1', config: boot, applied: scenario }])).toMatch(/patroni1 GET \/config loop_wait: 1 instead of 10/);
    expect(inForce(scenario, [{ member: 'patroni2', config: scenario, applied: boot }])).toMatch(/patroni2 applied loop_wait: 1 instead of 10/);
    expect(inForce(scenario, [{ member: 'patroni3', config: scenario, applied: undefined }])).toMatch(/patroni3 has applied no dynamic configuration yet/);
  });
});

/**
 * Members as Patroni's REST API shows them: one DCS /config that PATCH merges
 * into (with basic authentication), and each member's applied copy, saved
 * in its data folder when the test says its HA loop ran.
 */
class FakeMembers {
  config: Record<string, unknown> = bootDcs(scenario);
  patches: Record<string, unknown>[] = [];
  readonly servers: Server[] = [];
  readonly root = mkdtempSync(join(tmpdir(), 'pc-dcs-'));
  /** Members whose HA loop runs only when a PATCH wakes it, as Patroni's handler does (a long loop_wait). */
  loopOnlyWhenWoken = false;
  /** PATCHes each member answers with 409 before its view of the DCS catches up (etcd3's watch cache). */
  staleAnswers = 0;
  readonly #stale = new Map<string, number>();

  async start(n: number) {
    const members = [];
    for (let i = 1; i <= n; i++) {
      const dataDir = join(this.root, `patroni${i}`);
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          if (req.method === 'PATCH') {
            if (req.headers.authorization !== `Basic ${Buffer.from('patroni:pw').toString('base64')}`) return void res.writeHead(401).end('no');
            const stale = this.#stale.get(dataDir) ?? 0;
            if (this.patches.length > 0 && stale < this.staleAnswers) {
              this.#stale.set(dataDir, stale + 1);
              return void res.writeHead(409).end('Conflict');
            }
            const patch = JSON.parse(body) as Record<string, unknown>;
            this.patches.push(patch);
            this.config = deepMerge(this.config, patch);
            if (this.loopOnlyWhenWoken) this.loop(dataDir);
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.config));
        });
      });
      this.servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      mkdirSync(dataDir);
      members.push({ name: `patroni${i}`, dataDir, restUrl: `http://127.0.0.1:${port}`, applied: appliedDcsIn(dataDir) });
    }
    return members;
  }

  /** A member's HA loop: it applies the DCS's configuration and saves it. */
  loop(dataDir: string) {
    writeFileSync(join(dataDir, APPLIED_DCS_FILE), JSON.stringify(this.config));
  }

  async close() {
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(this.root, { recursive: true, force: true });
  }
}

describe('applyScenarioDcs', () => {
  let fake: FakeMembers;
  afterEach(async () => fake.close());
  /** `n` fake members that booted: each applied the boot settings. */
  const booted = async (n: number, behaviour: Partial<Pick<FakeMembers, 'loopOnlyWhenWoken' | 'staleAnswers'>> = {}) => {
    fake = Object.assign(new FakeMembers(), behaviour);
    const members = await fake.start(n);
    for (const m of members) fake.loop(m.dataDir);
    return members;
  };

  it('patches only what differs from the boot settings and returns once every member applied the scenario ones', async () => {
    const members = await booted(3);
    const timers = members.map((m, i) => setTimeout(() => fake.loop(m.dataDir), 150 * (i + 1)));
    const done = await applyScenarioDcs({ dcs: scenario, members, auth }, { timeoutMs: 5_000 });
    timers.forEach(clearTimeout);
    // The first writes the settings; the others only wake their members' HA loops.
    expect(fake.patches).toEqual([{ loop_wait: 10 }, { loop_wait: 10 }, { loop_wait: 10 }]);
    expect(done).toMatchObject({ boot: { loop_wait: 1 }, values: { ttl: 20, loop_wait: 10, retry_timeout: 5 }, configFrom: 'patroni1', appliedOn: ['patroni1', 'patroni2', 'patroni3'] });
    expect(Date.now() - Date.parse(done.verifiedAt)).toBeLessThan(1_000);
  });

  it('does not send again settings that went early (while the start waited for its sync standby): it waits for them', async () => {
    const members = await booted(3);
    const sent = sendEarly({ dcs: scenario, members, auth });
    expect(await sent).toBe(true);
    expect(fake.patches).toHaveLength(3);
    const timer = setTimeout(() => members.forEach((m) => fake.loop(m.dataDir)), 100);
    const done = await applyScenarioDcs({ dcs: scenario, members, auth }, { timeoutMs: 2_000, sent });
    clearTimeout(timer);
    expect(fake.patches).toHaveLength(3);
    expect(done.appliedOn).toEqual(['patroni1', 'patroni2', 'patroni3']);
  });

  it('sends them itself when the early send did not go, and an early send that fails rejects nothing', async () => {
    const members = await booted(2, { loopOnlyWhenWoken: true });
    const refused = await sendEarly({ dcs: scenario, members, auth: { ...auth, password: 'wrong' } });
    expect(refused).toBe(false);
    const done = await applyScenarioDcs({ dcs: scenario, members, auth }, { timeoutMs: 2_000, sent: Promise.resolve(refused) });
    expect(fake.patches).toEqual([{ loop_wait: 10 }, { loop_wait: 10 }]);
    expect(done.appliedOn).toEqual(['patroni1', 'patroni2']);
  });

  it('wakes every member, so that members whose loop would not run for a long while apply the settings now', async () => {
    const members = await booted(3, { loopOnlyWhenWoken: true });
    const done = await applyScenarioDcs({ dcs: scenario, members, auth }, { timeoutMs: 2_000 });
    expect(done.appliedOn).toEqual(['patroni1', 'patroni2', 'patroni3']);
  });

  it('asks again a member whose view of the DCS is behind (409) until it wakes', async () => {
    const members = await booted(3, { loopOnlyWhenWoken: true, staleAnswers: 3 });
    const done = await applyScenarioDcs({ dcs: scenario, members, auth }, { timeoutMs: 2_000 });
    expect(done.appliedOn).toEqual(['patroni1', 'patroni2', 'patroni3']);
  });

  it('does not fail the start when a member never wakes: it waits for that member to apply them', async () => {
    const members = await booted(2, { loopOnlyWhenWoken: true, staleAnswers: 100 });
    const timer = setTimeout(() => fake.loop(members[1]!.dataDir), 300); // its own next loop
    const done = await applyScenarioDcs({ dcs: scenario, members, auth }, { timeoutMs: 3_000 });
    clearTimeout(timer);
    expect(done.appliedOn).toEqual(['patroni1', 'patroni2']);
  });

  it('a wake that gets no answer is not woken, not an error: the in-force poll then waits for the member', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    expect(await wakeHaLoop(`http://127.0.0.1:${port}`, auth, { loop_wait: 10 })).toBe(false);
  });

  it('times out naming the member that never applied them', async () => {
    const members = await booted(2);
    const timer = setTimeout(() => fake.loop(members[0]!.dataDir), 100);
    await expect(applyScenarioDcs({ dcs: scenario, members, auth }, { timeoutMs: 600 })).rejects.toThrow(/patroni2 applied loop_wait: 1 instead of 10/);
    clearTimeout(timer);
  });

  it('fails at once when the REST password is refused', async () => {
    fake = new FakeMembers();
    const members = await fake.start(1);
    await expect(applyScenarioDcs({ dcs: scenario, members, auth: { ...auth, password: 'wrong' } }, { timeoutMs: 600 })).rejects.toThrow(/HTTP 401/);
    expect(fake.patches).toEqual([]);
  });
});

describe('parseAppliedDcs', () => {
  it('reads a saved configuration, and nothing from a missing or half-written one', () => {
    expect(parseAppliedDcs('{"loop_wait": 10}')).toEqual({ loop_wait: 10 });
    expect(parseAppliedDcs(undefined)).toBeUndefined();
    expect(parseAppliedDcs('{"loop_wa')).toBeUndefined();
  });
});
