import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_PARTS, FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { StartedCluster } from '../cluster/types.js';
import { FAULTS, type MemberRoles } from '../faults/index.js';
import { judge, roleHolders, unknownRole, watchRole } from './role-at-act.js';

/** A cluster of roles only: `signal` is the fault's act, `pid` its pre-check; either may move the roles first. */
class Roles {
  roles: Record<string, string> = { m1: 'leader', m2: 'replica', m3: 'sync_standby' };
  readonly calls: string[] = [];
  onPid: () => void = () => undefined;
  onSignal: () => void = () => undefined;
  readonly #secret = 'private fields reached through the proxy';
  async pid(_c: string, name: string): Promise<number> { this.calls.push(`pid ${name}`); this.onPid(); return 1; }
  async signal(_c: string, name: string): Promise<boolean> { this.calls.push(`signal ${name} (${this.#secret})`); this.onSignal(); return true; }
  promote(name: string): void {
    for (const [n, r] of Object.entries(this.roles)) if (r === 'leader') this.roles[n] = 'replica';
    this.roles[name] = 'leader';
  }
}

const asCluster = (r: Roles) => r as unknown as StartedCluster; // only the methods a fault calls here
const reader = (r: Roles, fail = false): MemberRoles => async () => {
  if (fail) throw new Error('no Patroni REST endpoint answered');
  return Object.entries(r.roles).map(([name, role]) => ({ name, role, state: 'running' }));
};

/** A fault as the process faults are: pre-check (pid), act (signal), observe. */
async function fault(c: StartedCluster, name: string): Promise<void> {
  const pc = c as unknown as Roles;
  await pc.pid('postgres', name);
  await pc.signal('postgres', name);
  await pc.pid('postgres', name);
}

async function run(r: Roles, target: string, name: string, roles = reader(r)) {
  const watch = watchRole(asCluster(r), target, [name], roles);
  if (watch === undefined) return undefined;
  await fault(watch.cluster, name);
  return watch.verdict();
}

describe('roleHolders', () => {
  const view = [{ name: 'm1', role: 'leader', state: 'running' }, { name: 'm2', role: 'replica', state: 'streaming' }, { name: 'm3', role: 'quorum_standby', state: 'streaming' }];
  it('reads primary, replica (any standby) and sync-standby; a name, any and the etcd roles are no role to prove', () => {
    expect(roleHolders(view, 'primary')).toEqual(['m1']);
    expect(roleHolders(view, 'replica')).toEqual(['m2', 'm3']);
    expect(roleHolders(view, 'sync-standby')).toEqual(['m3']);
    for (const t of ['m1', 'any', 'cluster', 'etcd-leader']) expect(roleHolders(view, t)).toBeUndefined();
  });
});

describe('watchRole: the role read at the fault\'s act and right after it', () => {
  it('fails a primary that moved during the fault\'s pre-checks, though it was the primary when resolved and when the fault was called', async () => {
    const r = new Roles();
    r.onPid = () => { if (r.roles['m2'] !== 'leader') r.promote('m2'); };
    expect(await run(r, 'primary', 'm1')).toEqual({
      held: false,
      observed: 'primary when the fault acted: m2; right after the act: m2',
      reason: 'target primary was m1 when resolved and m2 when the fault acted; the fault acted on a member without the role',
    });
  });

  it('holds when nothing moved, and leaves the fault\'s calls as they were (private fields included)', async () => {
    const r = new Roles();
    expect(await run(r, 'primary', 'm1')).toEqual({ held: true, observed: 'primary when the fault acted: m1; right after the act: m1' });
    expect(r.calls).toEqual(['pid m1', 'signal m1 (private fields reached through the proxy)', 'pid m1']);
  });

  it('holds when the act itself moves the role (a shutdown gives up the key): read at the act, the member had it', async () => {
    const r = new Roles();
    r.onSignal = () => r.promote('m2');
    expect(await run(r, 'primary', 'm1')).toMatchObject({ held: true, observed: 'primary when the fault acted: m1; right after the act: m2' });
  });

  it('fails a replica promoted before the act; a replica that became the sync standby still is one', async () => {
    const promoted = new Roles();
    promoted.onPid = () => promoted.promote('m2');
    expect(await run(promoted, 'replica', 'm2')).toMatchObject({ held: false, reason: expect.stringMatching(/^target replica was m2 when resolved and m1, m3 when the fault acted/) });
    const synced = new Roles();
    synced.onPid = () => { synced.roles['m2'] = 'sync_standby'; synced.roles['m3'] = 'replica'; };
    expect(await run(synced, 'replica', 'm2')).toMatchObject({ held: true });
    const lost = new Roles();
    lost.onPid = () => { lost.roles['m3'] = 'replica'; };
    expect(await run(lost, 'sync-standby', 'm3')).toMatchObject({ held: false, reason: expect.stringContaining('was m3 when resolved and no member when the fault acted') });
  });

  it('is unknown, not a failure nor a proof, when no reading answers', async () => {
    const r = new Roles();
    expect(await run(r, 'primary', 'm1', reader(r, true))).toEqual({ held: 'unknown', observed: 'primary could not be read at the act (when the fault acted: unread (no Patroni REST endpoint answered); right after the act: unread (no Patroni REST endpoint answered))' });
  });

  it('reads when the fault is called and when it returns for a fault that acts through no method of the cluster (a switchover\'s POST)', async () => {
    const r = new Roles();
    const watch = watchRole(asCluster(r), 'replica', ['m2'], reader(r));
    r.promote('m2'); // the switchover to the candidate m2
    expect(await watch?.verdict()).toEqual({ held: true, observed: 'replica when the fault was called: m2, m3; when it returned: m1, m3' });
  });

  it('does not watch a target that names a member: nothing to prove, the cluster handed over as it is', () => {
    const r = new Roles();
    expect(watchRole(asCluster(r), 'm1', ['m1'], reader(r))).toBeUndefined();
  });

  it('reads only at the first act: the acts of a heal after the fault returned are not read', async () => {
    const r = new Roles();
    let reads = 0;
    const counting: MemberRoles = async (c) => { reads++; return reader(r)(c); };
    const watch = watchRole(asCluster(r), 'primary', ['m1'], counting);
    if (watch === undefined) throw new Error('primary is a role');
    await fault(watch.cluster, 'm1');
    await (watch.cluster as unknown as Roles).signal('postgres', 'm1');
    await watch.verdict();
    const after = reads;
    await (watch.cluster as unknown as Roles).signal('postgres', 'm1');
    expect(reads).toBe(after);
    expect(after).toBe(3); // at the call, at the act, after the act
  });
});

describe('judge', () => {
  const right = { afterProves: true };
  it('never fails on the reading after the act alone: the act may have moved the role (a shutdown, a switchover)', () => {
    expect(judge('primary', ['m1'], [['at', { unread: 'timeout' }], ['after', { holders: ['m2'] }]], right)).toEqual({ held: 'unknown', observed: 'primary could not be read at the act (at: unread (timeout); after: m2)' });
    expect(judge('primary', ['m1'], [['at', { unread: 'timeout' }], ['after', { holders: ['m1'] }]], right)).toMatchObject({ held: true });
    expect(judge('primary', ['m1'], [['at', { holders: ['m2'] }], ['after', { unread: 'timeout' }]], right)).toMatchObject({ held: false, reason: 'target primary was m1 when resolved and m2 when the fault acted; the fault acted on a member without the role' });
  });
});

describe('judge: readings that disagree', () => {
  it('is unknown, not held, when the role is elsewhere at the act and on the member right after: one of them is wrong', () => {
    expect(judge('primary', ['m1'], [['at', { holders: ['m2'] }], ['after', { holders: ['m1'] }]], { afterProves: true })).toEqual({ held: 'unknown', observed: 'primary readings disagree, elsewhere at the act and on m1 right after (at: m2; after: m1)' });
  });
});

describe('watchRole: readings that prove nothing are unknown, and an act that moves the role is no proof', () => {
  it('fails a switchover-like fault whose member lacked the role when it was called, though the act gave the role back to it', async () => {
    // `switchover replica` resolved m2, promoted before the call: the switchover then runs away from m2, which ends a replica.
    const r = new Roles();
    r.promote('m2');
    const watch = watchRole(asCluster(r), 'replica', ['m2'], reader(r));
    await new Promise((done) => setTimeout(done, 5)); // the switchover's POST: no method of the cluster, and it takes time
    r.promote('m1');
    expect(await watch?.verdict()).toEqual({
      held: false,
      observed: 'replica when the fault was called: m1, m3; when it returned: m2, m3',
      reason: 'target replica was m2 when resolved and m1, m3 when the fault acted; the fault acted on a member without the role',
    });
  });

  it('is unknown when the reading at the call of a switchover-like fault could not be made, whatever the return shows', async () => {
    const r = new Roles();
    let calls = 0;
    const firstFails: MemberRoles = async (c) => { if (calls++ === 0) throw new Error('timeout'); return reader(r)(c); };
    const watch = watchRole(asCluster(r), 'primary', ['m1'], firstFails);
    expect(await watch?.verdict()).toEqual({ held: 'unknown', observed: 'primary could not be read at the act (when the fault was called: unread (timeout); when it returned: m1)' });
  });

  it('is unknown, not a failure, when the reading at the act ended only after the act had moved the role (a graceful stop hands the key over)', async () => {
    const r = new Roles();
    r.onSignal = () => r.promote('m2');
    // A slow /cluster: the view is the one when the answer comes, after the act returned.
    const slow: MemberRoles = (c) => new Promise((resolve) => setTimeout(() => resolve(reader(r)(c)), 20));
    expect(await run(r, 'primary', 'm1', slow)).toEqual({ held: 'unknown', observed: 'primary elsewhere only in a reading that ended after the act, which may show its own effect (when the fault acted: m2; right after the act: m2)' });
  });

  it('watches a fault that acts through a command at the command, not at its call', async () => {
    const r = new Roles();
    const c = Object.assign(r, { execIn: async () => ({ code: 0, stdout: '', stderr: '' }) });
    const watch = watchRole(asCluster(c), 'primary', ['m1'], reader(r));
    r.promote('m2'); // moved during the fault's pre-checks
    await (watch?.cluster as unknown as typeof c).execIn();
    expect(await watch?.verdict()).toMatchObject({ held: false, observed: 'primary when the fault acted: m2; right after the act: m2' });
  });
});

describe('watchRole on the network faults: reset-replication acts at its toxic, after its probes', () => {
  let c: FakeCluster | undefined;
  afterEach(async () => {
    await c?.stop();
    c = undefined;
  });

  async function resetPrimary(moveDuringProbes: boolean) {
    c = new FakeCluster('synchronous', { failoverAfterMs: null, proxied: {} });
    await c.startLinks();
    const fake = c;
    const probe = fake.probeLink.bind(fake);
    let moved = !moveDuringProbes;
    fake.probeLink = async (link, o) => {
      if (!moved) {
        moved = true;
        await fake.execIn('m2', ['failover']);
      }
      return probe(link, o);
    };
    const def = FAULTS.get('reset-replication');
    const watch = watchRole(fake, 'primary', ['m1'], FAKE_PARTS.memberRoles);
    if (def === undefined || watch === undefined) throw new Error('reset-replication on primary is watched');
    const injected = await def.inject(watch.cluster, ['m1'], {});
    const verdict = await watch.verdict();
    await injected.heal?.();
    return verdict;
  }

  it('fails a primary that moved while the fault probed its links before the toxic went in', async () => {
    expect(await resetPrimary(true)).toMatchObject({ held: false, observed: 'primary when the fault acted: m2; right after the act: m2' });
  });

  it('holds, read at the toxic, when nothing moved', async () => {
    expect(await resetPrimary(false)).toEqual({ held: true, observed: 'primary when the fault acted: m1; right after the act: m1' });
  });
});

describe('the run\'s reason for a reading that proved neither', () => {
  it('names the step, the member and the role, with what was read', () => {
    expect(unknownRole('step 2 (fault kill primary)', 'primary', ['m1'], 'primary could not be read at the act (x)')).toBe('step 2 (fault kill primary): whether m1 was the primary when the fault acted is unknown: primary could not be read at the act (x)');
    expect(unknownRole('step 4 (fault stop replica)', 'replica', ['m2', 'm3'], 'r')).toBe('step 4 (fault stop replica): whether m2 or m3 was a replica when the fault acted is unknown: r');
    expect(unknownRole('step 1 (fault kill sync-standby)', 'sync-standby', [], 'r')).toBe('step 1 (fault kill sync-standby): whether the member it acted on was the sync standby when the fault acted is unknown: r');
  });
});
