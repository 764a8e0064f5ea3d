/**
 * The stop paths of the process (Ctrl-C, SIGTERM, a crash, the CLI's exit)
 * on hand-made clusters whose stop throws or never ends: each path ends
 * with the provider's sweep, and a crash still exits 3. Fresh modules per
 * test: a stop, once begun, lasts for the process.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

let mods: { shutdown: typeof import('./shutdown.js'); live: typeof import('../cluster/live.js') };
let exits: number[];
beforeEach(async () => {
  vi.resetModules();
  mods = { shutdown: await import('./shutdown.js'), live: await import('../cluster/live.js') };
  exits = [];
  vi.spyOn(process, 'exit').mockImplementation(((code: number) => { exits.push(code); }) as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => { vi.restoreAllMocks(); });

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

/** A registered cluster whose stop behaves as told, and a record of what was asked of it. */
function cluster(stop: () => Promise<void>, sweep: () => Promise<void> = async () => undefined) {
  const calls: string[] = [];
  const c = {
    stop: async () => { calls.push('stop'); await stop(); },
    sweep: async () => { calls.push('sweep'); await sweep(); },
  };
  mods.live.liveClusters.add(c);
  return { calls, c };
}
const never = () => new Promise<void>(() => undefined);

describe('stopping everything', () => {
  it('sweeps a cluster whose stop threw (its log collection crashed), and says the stop\'s error', async () => {
    const { calls } = cluster(async () => { throw new RangeError('Maximum call stack size exceeded'); });
    await mods.shutdown.stopEverything();
    expect(calls).toEqual(['stop', 'sweep']);
    expect(vi.mocked(process.stderr.write).mock.calls.map(([s]) => String(s)).join('')).toContain('stopping a cluster: Maximum call stack size exceeded');
  });

  it('does not sweep again a cluster whose stop ended well (its stop ended with the sweep)', async () => {
    const { calls } = cluster(async () => undefined);
    await mods.shutdown.stopEverything();
    expect(calls).toEqual(['stop']);
  });
});

describe('a crash while stopping', () => {
  it('sweeps every cluster before it exits, instead of exiting at once with the containers running, and exits 3', async () => {
    // The first crash's stop hangs in log collection; the second crash comes from that collection.
    let swept = (): void => undefined;
    const { calls } = cluster(never, () => new Promise<void>((r) => { swept = r; }));
    mods.shutdown.exitAfterStop('crashed', true);
    await tick();
    expect(calls).toEqual(['stop']);
    mods.shutdown.exitAfterStop('crashed', true);
    await tick();
    expect(calls).toEqual(['stop', 'sweep']);
    expect(exits).toEqual([]); // not before the sweep has ended
    mods.shutdown.exitAfterStop('crashed', true); // a third crash while sweeping: the sweep goes on
    await tick();
    expect(exits).toEqual([]);
    swept();
    await tick();
    expect(exits).toEqual([3]);
  });

  it('exits 3 after a crash even when a signal had asked for 0 (cluster up)', async () => {
    mods.shutdown.setSignalExitCode(0);
    cluster(never);
    mods.shutdown.exitAfterStop('interrupted', false);
    mods.shutdown.exitAfterStop('crashed', true);
    await tick();
    expect(exits).toEqual([3]);
  });

  it('a second Ctrl-C sweeps without the rest of the stop; a third exits at once', async () => {
    const { calls } = cluster(never, never);
    mods.shutdown.exitAfterStop('interrupted', false);
    mods.shutdown.exitAfterStop('interrupted', false);
    await tick();
    expect(calls).toEqual(['stop', 'sweep']);
    expect(exits).toEqual([]);
    mods.shutdown.exitAfterStop('interrupted', false);
    expect(exits).toEqual([3]);
  });
});

describe('the CLI\'s exit', () => {
  it('stops and sweeps a cluster still registered (its stop threw in the run) before the process exits', async () => {
    const { calls } = cluster(async () => { throw new Error('report writing failed'); });
    await mods.shutdown.exitWhenStopped(3);
    expect(calls).toEqual(['stop', 'sweep']);
    expect(exits).toEqual([3]);
  });

  it('exits with the command\'s code when nothing is left', async () => {
    await mods.shutdown.exitWhenStopped(1);
    expect(exits).toEqual([1]);
  });
});
