/**
 * run --parallel N on the in-memory fake provider: runSuites runs for real,
 * runScenario is pointed at the fake cluster (no process, container or port
 * is touched), and each fake cluster is counted while it is up.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_PARTS, FakeProvider } from '../cluster/fake/fake-cluster.js';
import { liveClusters } from '../cluster/live.js';
import type { StartedCluster } from '../cluster/types.js';
import type { Scenario } from '../scenario/types.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the fake clusters did: how many were up at once, and what each unit (by report folder) is made to do. */
const trace = {
  up: 0, peak: 0, starts: [] as string[], stops: new Map<string, number>(), portBases: [] as number[],
  /** Unit folder → ms its run takes after its cluster stopped (reorders completions). */
  lateBy: new Map<string, number>(),
  /** Unit folder whose cluster cannot start (a harness error: the run's verdict is error). */
  startFails: undefined as string | undefined,
  /** Unit folder whose runScenario throws (as a report that cannot be written would). */
  throws: undefined as string | undefined,
  onStart: undefined as (() => void) | undefined,
};

vi.mock('./providers.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./providers.js')>();
  return { ...real, providerFor: (name: string, o: Parameters<typeof real.providerFor>[1]) => { trace.portBases.push(o.portBase ?? -1); return real.providerFor(name, o); } };
});

vi.mock('../runner/run-scenario.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../runner/run-scenario.js')>();
  return {
    ...real,
    runScenario: async (scenario: Scenario, o: Parameters<typeof real.runScenario>[1]) => {
      const unit = basename(o.dir);
      if (trace.throws === unit) {
        await tick(30);
        throw new Error(`cannot write ${unit}`);
      }
      const fake = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: scenario.name.includes('stuck') ? null : 150 });
      const tracked = {
        name: 'fake',
        async start(): Promise<StartedCluster> {
          if (trace.startFails === unit) throw new Error(`no cluster for ${unit}`);
          const c = await fake.start();
          const stop = c.stop.bind(c);
          trace.starts.push(unit);
          trace.peak = Math.max(trace.peak, ++trace.up);
          let up = true;
          // As the real providers do: a started cluster is live until stopped, so Ctrl-C stops it.
          c.stop = async () => {
            trace.stops.set(unit, (trace.stops.get(unit) ?? 0) + 1);
            if (up) trace.up--;
            up = false;
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
      return run;
    },
  };
});
const { runSuites } = await import('./run-suites.js');
const { loadTargets } = await import('../scenario/load.js');
const { stopEverything } = await import('./shutdown.js');

const root = mkdtempSync(join(tmpdir(), 'pc-parallel-'));
afterAll(() => { rmSync(root, { recursive: true, force: true }); });
let stderr: string[];
let stdout: string[];
beforeEach(() => {
  stderr = [];
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { stdout.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { stderr.push(String(s)); return true; });
  Object.assign(trace, { up: 0, peak: 0, starts: [], stops: new Map(), portBases: [], lateBy: new Map(), startFails: undefined, throws: undefined, onStart: undefined });
});
afterEach(() => { vi.restoreAllMocks(); });

const scenarioText = (name: string) => `name: ${name}
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
`;
const scenarios = join(root, 'scenarios');
mkdirSync(scenarios);
for (const name of ['fake-kill', 'fake-stuck']) writeFileSync(join(scenarios, `${name}.yaml`), scenarioText(name));
writeFileSync(join(scenarios, 'fake-nightly.yaml'), 'suite: fake-nightly\niterations: 2\nscenarios: [fake-kill.yaml, fake-stuck.yaml, fake-kill.yaml]\n');
const UNITS = ['01-fake-kill-1', '01-fake-kill-2', '02-fake-stuck-1', '02-fake-stuck-2', '03-fake-kill-1', '03-fake-kill-2'];

const suite = () => loadTargets([join(scenarios, 'fake-nightly.yaml')]);
const run = (dir: string, parallel?: number) => runSuites(suite(), { provider: 'local', reportDir: root, keepCluster: false, portBase: 5000, suiteDir: () => join(root, dir), ...(parallel === undefined ? {} : { parallel }) });
const summary = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'summary.json'), 'utf8')) as Record<string, unknown> & { runs: Array<Record<string, unknown>>; stats: Record<string, Record<string, unknown>> };
/** summary.json without what differs between two runs of the same scenarios (times, measured figures). */
function contract(dir: string) {
  const s = summary(dir);
  return {
    keys: Object.keys(s), verdict: s['verdict'],
    runs: s.runs.map((r) => [r['scenario'], r['iteration'], r['verdict'], r['dir'], r['failed_sla']]),
    stats: Object.fromEntries(Object.entries(s.stats).map(([k, st]) => [k, [st['verdict'], st['runs'], st['pass'], st['fail'], st['error'], st['failed_iterations'], Object.keys(st['distributions'] as object)]])),
  };
}
const cases = (dir: string) => [...readFileSync(join(root, dir, 'junit.xml'), 'utf8').matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((m) => `${m[1]} | ${m[2]}`);

describe('run --parallel N (fake provider)', () => {
  let serialCode: number;

  it('N = 1 is today\'s serial run: one cluster at a time, in order, scenario-named progress, summary.json records parallel: 1', async () => {
    serialCode = await run('serial');
    expect(trace.peak).toBe(1);
    expect(trace.starts).toEqual(UNITS);
    expect(trace.portBases).toEqual([5000]);
    expect(summary('serial')['parallel']).toBe(1);
    // The one new key, between the times and the runs; nothing else moved.
    expect(Object.keys(summary('serial'))).toEqual(['suite', 'verdict', 'started_at', 'ended_at', 'parallel', 'runs', 'stats']);
    expect(readFileSync(join(root, 'serial', 'summary.md'), 'utf8')).not.toContain('--parallel');
    expect(stderr.join('')).toContain('\n== fake-kill (iteration 1/2): ');
    expect(stderr.join('')).toMatch(/\[fake-kill \d/);
    // fake-stuck never fails over: its iterations fail.
    expect(serialCode).toBe(1);
    const explicit = await run('serial-1', 1);
    expect(explicit).toBe(serialCode);
    expect(contract('serial-1')).toEqual(contract('serial'));
  }, 60_000);

  it('N = 2: two clusters at once, each slot its own port block, and the same report as the serial run in the same order, whatever order the runs end in', async () => {
    // Each first iteration ends well after its second: completion order differs from the suite's.
    for (const u of UNITS.filter((x) => x.endsWith('-1'))) trace.lateBy.set(u, 400);
    const code = await run('parallel', 2);
    expect(trace.peak).toBe(2);
    expect(trace.portBases).toEqual([5000, 5100]);
    expect([...trace.starts].sort()).toEqual([...UNITS].sort());
    expect(code).toBe(serialCode);
    const verdictLines = stdout.filter((l) => /^(PASS|FAIL|ERROR) {2}fake-kill #/.test(l)).map((l) => l.slice(0, l.indexOf(' rto')).trim());
    expect(verdictLines.indexOf('PASS  fake-kill #2')).toBeLessThan(verdictLines.indexOf('PASS  fake-kill #1'));
    const { keys, ...rest } = contract('parallel');
    const { keys: serialKeys, ...serialRest } = contract('serial');
    expect(rest).toEqual(serialRest);
    expect(keys).toEqual(serialKeys);
    expect(summary('parallel')['parallel']).toBe(2);
    expect(cases('parallel')).toEqual(cases('serial'));
    for (const u of UNITS) expect(existsSync(join(root, 'parallel', u, 'report.json')), u).toBe(true);
    expect(readFileSync(join(root, 'parallel', 'timeline.html'), 'utf8').match(/<section class="run" data-run=/g)?.length).toBe(UNITS.length);
    expect(readFileSync(join(root, 'parallel', 'summary.md'), 'utf8')).toContain('> Ran with `--parallel 2`: up to 2 clusters at once on one machine. Its timings are not comparable with a serial run\'s unless measured');
    // Interleaved output stays readable: each run's header and progress lines name it.
    const err = stderr.join('');
    expect(err).toContain('\n== [02-fake-stuck-1] fake-stuck (iteration 1/2): ');
    expect(err).toMatch(/\[02-fake-stuck-1 \d+\.\d s\] cluster \S+ healthy/);
    // The lines over the iterations come once per scenario, in the suite's order.
    const over = stdout.filter((l) => l.includes(' over 2 iterations: ')).map((l) => l.split(' over ')[0]);
    expect(over).toEqual(['PASS  fake-kill', 'FAIL  fake-stuck', 'PASS  fake-kill']);
    expect(liveClusters.size).toBe(0);
  }, 60_000);

  it('a run that errors does not stop the others, as in a serial run: every report is written, exit 3', async () => {
    trace.startFails = '02-fake-stuck-1';
    const code = await run('one-error', 2);
    expect(code).toBe(3);
    expect(trace.starts).toHaveLength(UNITS.length - 1);
    for (const u of UNITS) expect(existsSync(join(root, 'one-error', u, 'report.json')), u).toBe(true);
    const s = summary('one-error');
    expect(s.runs.map((r) => [r['dir'], r['verdict']])).toEqual(UNITS.map((u) => [u, u === '02-fake-stuck-1' ? 'error' : u.includes('stuck') ? 'fail' : 'pass']));
  }, 60_000);

  it('more slots than runs: each run once, the summary records how many ran at once', async () => {
    const one = join(scenarios, 'fake-kill.yaml');
    const code = await runSuites(loadTargets([one]), { provider: 'local', reportDir: root, keepCluster: false, portBase: 5000, suiteDir: () => join(root, 'wide'), iterations: 2, parallel: 8 });
    expect(code).toBe(0);
    expect(trace.starts).toEqual(['01-fake-kill-1', '01-fake-kill-2']);
    expect(trace.peak).toBe(2);
    expect(summary('wide')['parallel']).toBe(2);
  }, 60_000);

  it('a run that throws stops the pool as it stops the serial loop: nothing more starts, the run in flight ends and stops its cluster, then the error', async () => {
    trace.throws = '01-fake-kill-2';
    await expect(run('throws', 2)).rejects.toThrow('cannot write 01-fake-kill-2');
    expect(trace.starts).toEqual(['01-fake-kill-1']);
    expect(trace.stops.get('01-fake-kill-1')).toBeGreaterThan(0);
    expect(trace.up).toBe(0);
    expect(liveClusters.size).toBe(0);
  }, 60_000);

  // Last: a stop, once asked for, holds for the rest of the process (as Ctrl-C's does until it exits).
  it('Ctrl-C stops every cluster in flight and starts no other', async () => {
    trace.onStart = () => {
      if (trace.starts.length === 2) void stopEverything();
    };
    await run('stopped', 2);
    expect(trace.starts).toEqual(['01-fake-kill-1', '01-fake-kill-2']);
    // Stopped by the signal's stop (and again, harmlessly, by its run's own teardown).
    for (const u of trace.starts) expect(trace.stops.get(u), u).toBeGreaterThanOrEqual(1);
    expect(trace.up).toBe(0);
    expect(liveClusters.size).toBe(0);
  }, 60_000);
});
