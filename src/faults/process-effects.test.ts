import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { ClusterMember } from '../cluster/patroni-api.js';
import type { Component, ProcessControl } from '../cluster/types.js';
import { kill } from './kill.js';
import { killPatroni } from './kill-patroni.js';
import { killPostgres } from './kill-postgres.js';
import { observeLeaderMoved } from './leader.js';
import { observeGone } from './process-target.js';
import { restart } from './restart.js';
import { shutdown } from './shutdown.js';
import { observeSilent } from './silence.js';

const fake = () => new FakeCluster('synchronous', { failoverAfterMs: null });

/** A process control whose signals are accepted and change nothing: the silent no-op a fault must catch. */
const deaf = (pid: number | undefined): ProcessControl => ({ signal: async () => true, restart: async () => undefined, pid: async () => pid });

describe('process faults record what they were seen to do', () => {
  it('kill, kill-postgres and kill-patroni see the PIDs they killed gone', async () => {
    expect((await kill.inject(fake(), ['m2'], {})).effect).toBe('m2: patroni pid 1100 and postgres pid 1100 gone');
    expect((await killPostgres.inject(fake(), ['m3'], {})).effect).toBe('m3: postgres pid 1200 gone');
    expect((await killPatroni.inject(fake(), ['m1'], {})).effect).toBe('m1: patroni pid 1000 gone');
  });

  it('kill on whole hosts watches Patroni and PostgreSQL go, not the host\'s PID 1 (under tini an orphaned PostgreSQL outlives it)', async () => {
    const down = new Set<string>();
    // A host kill that reached Patroni but left PostgreSQL running, as killing only a container's main process could.
    const host = {
      killHost: async (n: string) => { down.add(n); },
      freezeHost: async () => undefined, thawHost: async () => undefined, startHost: async (n: string) => { down.delete(n); },
      pid: async (c: Component, n: string) => (c === 'postgres' ? 2001 : down.has(n) ? undefined : 2000),
    };
    vi.useFakeTimers();
    try {
      const refused = expect(kill.inject(Object.assign(fake(), host), ['m1'], {})).rejects.toMatchObject({ code: 'FAULT_FAILED', message: expect.stringContaining('postgres pid 2001 still running') });
      await vi.advanceTimersByTimeAsync(11_000);
      await refused;
    } finally {
      vi.useRealTimers();
    }
    down.clear();
    const whole = { ...host, pid: async (c: Component, n: string) => (down.has(n) ? undefined : c === 'postgres' ? 2001 : 2000) };
    const injected = await kill.inject(Object.assign(fake(), whole), ['m1'], {});
    expect([injected.detail, injected.effect]).toEqual(['m1: host killed (SIGKILL to every process)', 'm1: patroni pid 2000 and postgres pid 2001 gone']);
  });

  it('observeGone fails when the process signalled is still the one running', async () => {
    await expect(observeGone(deaf(42), 'm1', [['patroni', 42]], 200)).rejects.toMatchObject({ code: 'FAULT_FAILED', message: expect.stringMatching(/^m1: timed out .*patroni pid 42 still running/) });
  });

  it('observeGone takes a process replaced by a new one (Patroni restarting PostgreSQL) as gone, and nothing seen before as no proof', async () => {
    expect(await observeGone(deaf(43), 'm1', [['postgres', 42]], 200)).toBe('m1: postgres pid 42 gone');
    await expect(observeGone(deaf(undefined), 'm1', [['postgres' as Component, undefined]], 200)).rejects.toThrow('no process of m1 was running to see go');
  });

  it('restart sees a new PID, and fails when the PID did not change', async () => {
    expect((await restart.inject(fake(), ['m2'], {})).effect).toBe('m2: patroni pid 1100 replaced by pid 1101');
    const c = Object.assign(fake(), deaf(7));
    await expect(restart.inject(c, ['m2'], {})).rejects.toThrow('m2: patroni pid 7 is the one from before the restart: nothing was restarted');
  });

  it('shutdown records that no process of the member is left', async () => {
    const injected = await shutdown.inject(fake(), ['m3'], {});
    expect(injected.effect).toBe('m3: no patroni or postgres process left');
  });
});

describe('a frozen member answers nothing', () => {
  it('fails a freeze when Patroni\'s REST API still answers', async () => {
    const server = createServer((_req, res) => res.end('{"state":"running","role":"replica"}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const c = fake();
      const port = (server.address() as AddressInfo).port;
      Object.defineProperty(c, 'members', { value: c.members.map((m) => (m.name === 'm2' ? { ...m, restUrl: `http://127.0.0.1:${port}` } : m)) });
      await expect(observeSilent(c, 'm2', 300)).rejects.toThrow("m2: Patroni's REST API still answer(s): it is not frozen");
    } finally {
      server.close();
    }
  });

  it('records the silence it saw', async () => {
    // The fake's endpoints lead nowhere: nothing answers.
    expect(await observeSilent(fake(), 'm1', 200)).toBe("m1: neither Patroni's REST API nor PostgreSQL answered within 0.2 s");
  });
});

describe('a switchover or failover is seen to move the leader', () => {
  const view = (...leaders: string[]) => async (): Promise<ClusterMember[]> => [{ name: leaders.length > 1 ? (leaders.shift() as string) : (leaders[0] as string), role: 'leader', state: 'running' } as ClusterMember];

  it('records the move', async () => {
    expect(await observeLeaderMoved(fake(), 'm1', 'm2', 1000, view('m1', 'm1', 'm2'))).toBe("leader moved from m1 to m2 (Patroni's /cluster)");
    expect(await observeLeaderMoved(fake(), 'm1', undefined, 1000, view('m3'))).toBe("leader moved from m1 to m3 (Patroni's /cluster)");
  });

  it('fails when the API accepted it and the leader never moved, or moved elsewhere than the candidate', async () => {
    await expect(observeLeaderMoved(fake(), 'm1', 'm2', 300, view('m1'))).rejects.toMatchObject({ code: 'FAULT_FAILED', message: expect.stringContaining('m1 still leads') });
    await expect(observeLeaderMoved(fake(), 'm1', 'm2', 300, view('m3'))).rejects.toThrow('m3 leads, not the candidate m2');
  });
});
