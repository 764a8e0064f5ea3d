/**
 * Ctrl-C during run --parallel N on the in-memory fake provider: runSuites
 * runs for real, runScenario is pointed at a fake cluster that registers as
 * the real providers do, and each fake cluster is counted while it is up.
 * Each test gets fresh modules: a stop, once begun, lasts for the process.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StartedCluster } from '../cluster/types.js';
import type { Scenario } from '../scenario/types.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

const trace = {
  up: 0, starts: [] as string[],
  /** Unit folder → ms its start takes before it registers (reapOrphans, imagesOf, assertPortsFree in the real ones). */
  preStart: new Map<string, number>(),
  /** Unit folder → ms its run takes after its cluster stopped. */
  lateBy: new Map<string, number>(),
  /** ms a cluster takes to stop (real ones take seconds). */
  stopMs: 0,
  onStart: undefined as (() => void) | undefined,
  /** Called as a run returns, before the pool sees its slot free. */
  onReturn: undefined as ((unit: string) => Promise<void>) | undefined,
};

vi.mock('../runner/run-scenario.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../runner/run-scenario.js')>();
  const { FAKE_PARTS, FakeProvider } = await import('../cluster/fake/fake-cluster.js');
  return {
    ...real,
    runScenario: async (scenario: Scenario, o: Parameters<typeof real.runScenario>[1]) => {
      const unit = basename(o.dir);
      const fake = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150 });
      const tracked = {
        name: 'fake',
        async start(): Promise<StartedCluster> {
          await tick(trace.preStart.get(unit) ?? 0);
          // This test's module (fresh for each test), not the one the mock was first made with.
          const { liveClusters } = await import('../cluster/live.js');
          // As both real providers do: registered before anything is made.
          const early = { stop: async () => undefined, sweep: async () => undefined };
          liveClusters.add(early);
          const c = await fake.start();
          liveClusters.delete(early);
          const stop = c.stop.bind(c);
          trace.starts.push(unit);
          trace.up++;
          let up = true;
          c.stop = async () => {
            if (up) trace.up--;
            up = false;
            await tick(trace.stopMs);
            liveClusters.delete(c);
            await stop();
          };
          liveClusters.add(c);
          trace.onStart?.();
          return c;
        },
      };
      const run = await real.runScenario({
        ...scenario, steps: scenario.steps.map((s) => (s.kind === 'fault' && s.target === 'primary' ? { ...s, target: 'm1' } : s)),
      }, { ...o, parts: FAKE_PARTS, finalConvergeMs: 300, provider: () => tracked });
      await tick(trace.lateBy.get(unit) ?? 0);
      await trace.onReturn?.(unit);
      return run;
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'pc-parallel-stop-'));
afterAll(() => { rmSync(root, { recursive: true, force: true }); });
let mods: {
  runSuites: typeof import('./run-suites.js').runSuites;
  stopEverything: typeof import('./shutdown.js').stopEverything;
  liveClusters: typeof import('../cluster/live.js').liveClusters;
  loadTargets: typeof import('../scenario/load.js').loadTargets;
};
beforeEach(async () => {
  vi.resetModules();
  mods = {
    runSuites: (await import('./run-suites.js')).runSuites,
    stopEverything: (await import('./shutdown.js')).stopEverything,
    liveClusters: (await import('../cluster/live.js')).liveClusters,
    loadTargets: (await import('../scenario/load.js')).loadTargets,
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  Object.assign(trace, { up: 0, starts: [], preStart: new Map(), lateBy: new Map(), stopMs: 0, onStart: undefined, onReturn: undefined });
});
afterEach(() => { vi.restoreAllMocks(); });

const scenarios = join(root, 'scenarios');
mkdirSync(scenarios);
writeFileSync(join(scenarios, 'fake-kill.yaml'), `name: fake-kill
cluster: { replication: synchronous }
observe: { interval: 20ms }
steps:
  - wait_for: { condition: healthy, timeout: 1s }
  - sleep: 50ms
  - fault: { action: kill, target: primary }
  - wait_for: { condition: new-leader, timeout: 600ms }
  - heal: all
  - wait_for: { condition: converged, timeout: 1s }
sla:
  rto: { threshold: "< 30s", stat: p95 }
`);
writeFileSync(join(scenarios, 'fake-nightly.yaml'), 'suite: fake-nightly\niterations: 2\nscenarios: [fake-kill.yaml, fake-kill.yaml]\n');
const run = (dir: string) => mods.runSuites(mods.loadTargets([join(scenarios, 'fake-nightly.yaml')]), { provider: 'local', reportDir: root, keepCluster: false, portBase: 5000, suiteDir: () => join(root, dir), parallel: 2 });

describe('Ctrl-C during run --parallel N', () => {
  it('leaves no cluster up when the stop resolves (when exitAfterStop calls process.exit), though a slot was still starting its cluster', async () => {
    // Slot 1's start takes 100 ms before it registers; slot 0's cluster takes 300 ms to stop.
    trace.preStart.set('01-fake-kill-2', 100);
    trace.stopMs = 300;
    let upAtExit = -1;
    let liveAtExit = -1;
    trace.onStart = () => {
      if (trace.starts.length === 1) void mods.stopEverything().then(() => { upAtExit = trace.up; liveAtExit = mods.liveClusters.size; });
    };
    expect(await run('stopped-mid-start')).toBe(3);
    // process.exit would run here: anything still up would be left running (a local run's processes, a docker run's containers).
    expect(upAtExit).toBe(0);
    expect(liveAtExit).toBe(0);
    expect(trace.starts).toEqual(['01-fake-kill-1']);
  }, 60_000);

  it('exits 3 and writes no suite summary when the runs that finished before the stop all passed (as the serial run, which the signal ended)', async () => {
    // 01-fake-kill-1 and -2 pass; the stop comes once neither has a cluster up, before 02-fake-kill-* start.
    trace.lateBy.set('01-fake-kill-2', 300);
    trace.onReturn = async (unit) => {
      if (unit !== '01-fake-kill-1') return;
      while (trace.up > 0) await tick(10);
      void mods.stopEverything();
    };
    expect(await run('stopped-between-runs')).toBe(3);
    expect(trace.starts.sort()).toEqual(['01-fake-kill-1', '01-fake-kill-2']);
    expect(existsSync(join(root, 'stopped-between-runs', '01-fake-kill-2', 'report.json'))).toBe(true);
    expect(existsSync(join(root, 'stopped-between-runs', 'summary.json'))).toBe(false);
  }, 60_000);
});
