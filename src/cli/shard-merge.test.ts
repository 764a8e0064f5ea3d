/**
 * Sharded runs merged against one run of the same suite, on the in-memory
 * fake provider: runSuites and runUpgrade run for real, only runScenario is
 * pointed at the fake cluster (no process, container or port is touched).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_PARTS, FakeProvider } from '../cluster/fake/fake-cluster.js';
import { exitCodeFor } from '../errors.js';
import type { ShardJson } from '../report/shard-json.js';
import type { Scenario } from '../scenario/types.js';

vi.mock('../runner/run-scenario.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../runner/run-scenario.js')>();
  return {
    ...real,
    // The fake cannot ask a member's REST who is primary; its leader is m1 from the start.
    runScenario: (scenario: Scenario, o: Parameters<typeof real.runScenario>[1]) => real.runScenario({
      ...scenario, steps: scenario.steps.map((s) => (s.kind === 'fault' && s.target === 'primary' ? { ...s, target: 'm1' } : s)),
    }, {
      ...o, parts: FAKE_PARTS, finalConvergeMs: 300,
      // "stuck" never fails over; "regresses" never fails over on trixie (the after side of the upgrade below).
      provider: () => new FakeProvider(scenario.cluster.replication, {
        failoverAfterMs: scenario.name.includes('stuck') || (scenario.name.includes('regresses') && scenario.cluster.release === 'trixie') ? null : 150,
      }),
    }),
  };
});
const { runSuites } = await import('./run-suites.js');
const { mergeReports } = await import('./merge-reports.js');
const { planUpgrade, runUpgrade } = await import('./verify-upgrade.js');
const { loadTargets } = await import('../scenario/load.js');
const { shardKeys, suiteUnits } = await import('./shard.js');
const { checkPieces } = await import('../report/merge.js');

const root = mkdtempSync(join(tmpdir(), 'pc-shard-'));
afterAll(() => { if (!process.env["KEEP"]) rmSync(root, { recursive: true, force: true }); });
beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => { vi.restoreAllMocks(); });

const scenarioText = (name: string, sla = 'rto: { threshold: "< 30s", stat: p95 }') => `name: ${name}
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
  ${sla}
`;

const scenarios = join(root, 'scenarios');
mkdirSync(scenarios);
for (const name of ['fake-kill', 'fake-stuck', 'fake-regresses']) writeFileSync(join(scenarios, `${name}.yaml`), scenarioText(name));
// A known finding excuses fake-stuck's failure on the line over the iterations too, as the shard recorded it.
writeFileSync(join(scenarios, 'fake-nightly.yaml'), 'suite: fake-nightly\niterations: 2\nscenarios: [fake-kill.yaml, fake-stuck.yaml, fake-kill.yaml]\n');

const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
/** junit.xml's test cases as (classname, name, outcome): what CI tracks across nights. */
const cases = (file: string) => [...readFileSync(file, 'utf8').matchAll(/<testcase classname="([^"]*)" name="([^"]*)"[^>]*?(\/>|>\s*<(\w+))/g)]
  .map((m) => `${m[1]} | ${m[2]} | ${m[4] ?? 'pass'}`);
/** A summary.json without what differs between any two runs of the same scenario (timings, ids). */
function contract(file: string) {
  const s = read(file) as { runs: Array<Record<string, unknown>>; stats: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  return {
    keys: Object.keys(s),
    verdict: s['verdict'],
    runs: s.runs.map((r) => ({ keys: Object.keys(r), scenario: r['scenario'], iteration: r['iteration'], verdict: r['verdict'], dir: r['dir'], failed_sla: r['failed_sla'], known_sla: r['known_sla'], wall: r['wall'] === null ? null : 'set' })),
    stats: Object.fromEntries(Object.entries(s.stats).map(([k, st]) => [k, {
      keys: Object.keys(st), verdict: st['verdict'], runs: st['runs'], pass: st['pass'], fail: st['fail'], error: st['error'], flaky: st['flaky'], failed_iterations: st['failed_iterations'],
      over: (st['sla_over_iterations'] as Array<Record<string, unknown>>).map((l) => `${String(l['metric'])} ${String(l['stat'])} ${String(l['status'])} ${String(l['note'])}`),
    }])),
  };
}

const suite = () => loadTargets([join(scenarios, 'fake-nightly.yaml')]);
const options = (reportDir: string) => ({ provider: 'local', reportDir, keepCluster: false, portBase: 5000 });

describe('run --shard i/N, then merge-reports: the same suite folder as one run', () => {
  const whole = join(root, 'whole');
  const shards = [1, 2, 3].map((i) => join(root, `shard-${i}`));
  let wholeCode: number;
  const shardCodes: number[] = [];

  it('runs each unit in exactly one shard, and merges to the report contract, verdicts and exit code of one run', async () => {
    wholeCode = await runSuites(suite(), { ...options(root), suiteDir: () => whole });
    const units = suiteUnits(suite()[0] as NonNullable<ReturnType<typeof suite>[0]>, 2);
    for (const [k, dir] of shards.entries()) {
      const shard = { index: k + 1, total: 3 };
      shardCodes.push(await runSuites(suite(), { ...options(root), suiteDir: () => dir, shard: { shard, keys: shardKeys(units, shard) } }));
    }
    const ran = shards.map((d) => (read(join(d, 'shard.json')) as { ran: string[] }).ran);
    expect(ran.flat().sort()).toEqual(units.map((u) => u.dir).sort());
    expect(ran.every((r) => r.length > 0)).toBe(true);
    // fake-stuck's iterations are in two shards: its line over the iterations can only be judged by the merge.
    expect(ran.findIndex((r) => r.includes('02-fake-stuck-1'))).not.toBe(ran.findIndex((r) => r.includes('02-fake-stuck-2')));
    // fake-stuck's two iterations: 01 and 03 pass (fake-kill), 02 fails.
    expect(wholeCode).toBe(1);

    const into = join(root, 'merged');
    expect(await mergeReports(shards, into)).toBe(wholeCode);
    expect(contract(join(into, 'summary.json'))).toEqual(contract(join(whole, 'summary.json')));
    expect(cases(join(into, 'junit.xml'))).toEqual(cases(join(whole, 'junit.xml')));
    expect(cases(join(into, 'junit.xml'))).toContain('patroni-chaos.fake-stuck | sla rto_ms &lt; 30s p95 | failure');
    for (const u of units) expect(existsSync(join(into, u.dir, 'report.json')), u.dir).toBe(true);
    const html = readFileSync(join(into, 'timeline.html'), 'utf8');
    expect(html.match(/<section class="run" data-run=/g)?.length).toBe(units.length);
    expect(readFileSync(join(into, 'summary.md'), 'utf8')).toContain('## Over the iterations');
    // The sources are left as they were.
    expect(existsSync(join(shards[0] as string, 'shard.json'))).toBe(true);
  }, 120_000);

  it('merges as well when a shard\'s summary.json does not parse (a truncated upload): its runs lose their wall times, the merge counts it as serial', async () => {
    const copies = shards.map((d, k) => join(root, `truncated-${k + 1}`));
    for (const [k, d] of shards.entries()) cpSync(d, copies[k] as string, { recursive: true });
    const first = join(copies[0] as string, 'summary.json');
    writeFileSync(first, readFileSync(first, 'utf8').slice(0, 40));
    const into = join(root, 'merged-truncated');
    expect(await mergeReports(copies, into)).toBe(wholeCode);
    const merged = read(join(into, 'summary.json')) as { parallel: number; runs: Array<{ dir: string; wall: unknown }> };
    expect(merged.parallel).toBe(1);
    const lost = (read(join(copies[0] as string, 'shard.json')) as { ran: string[] }).ran;
    for (const r of merged.runs) expect(r.wall === null, r.dir).toBe(lost.includes(r.dir));
  }, 120_000);

  it('judges a line over the iterations only where every iteration is: a shard holding one of two leaves it to the merge', () => {
    const split = shards.map((d) => read(join(d, 'summary.json')) as { stats: Record<string, { runs: number; sla_over_iterations: unknown[] }> });
    for (const s of split) for (const st of Object.values(s.stats)) if (st.runs < 2) expect(st.sla_over_iterations).toEqual([]);
  });

  it('refuses a missing shard, a shard given twice, a piece of another harness version, and a non-empty --into, all as invalid input', async () => {
    const refusal = async (dirs: string[], into = join(root, `m-${Math.random()}`)) => {
      const err = await mergeReports(dirs, into).then(() => undefined, (e: unknown) => e);
      expect(exitCodeFor(err)).toBe(2);
      return (err as Error).message;
    };
    expect(await refusal([shards[0] as string, shards[1] as string])).toMatch(/shard 3\/3 of suite fake-nightly is missing/);
    expect(await refusal([shards[0] as string, shards[0] as string, shards[1] as string, shards[2] as string])).toMatch(/shard 1\/3 is given twice/);
    expect(await refusal(shards, join(root, 'merged'))).toMatch(/--into .* is not empty/);
    const other = join(root, 'shard-3-other');
    rmSync(other, { recursive: true, force: true });
    mkdirSync(other);
    const meta = read(join(shards[2] as string, 'shard.json')) as Record<string, unknown>;
    writeFileSync(join(other, 'shard.json'), JSON.stringify({ ...meta, harness_version: '9.9.9' }));
    expect(await refusal([shards[0] as string, shards[1] as string, other])).toMatch(/harness_version "9.9.9"/);
    writeFileSync(join(other, 'shard.json'), JSON.stringify({ ...meta, releases: ['trixie'] }));
    expect(await refusal([shards[0] as string, shards[1] as string, other])).toMatch(/releases \["trixie"\]/);
    writeFileSync(join(other, 'shard.json'), JSON.stringify({ ...meta, suite: 'other' }));
    expect(await refusal([shards[0] as string, shards[1] as string, other])).toMatch(/suite "other"/);
    // A shard whose run folder is gone is not a whole piece.
    writeFileSync(join(other, 'shard.json'), JSON.stringify(meta));
    expect(await refusal([shards[0] as string, shards[1] as string, other])).toMatch(/has no report\.json/);
  });

  it('reads a folder holding the shards (downloaded artifacts) as the shards', async () => {
    const holder = join(root, 'artifacts');
    mkdirSync(holder);
    const { cpSync } = await import('node:fs');
    for (const [k, d] of shards.entries()) cpSync(d, join(holder, `nightly-shard-${k + 1}`), { recursive: true });
    expect(await mergeReports([holder], join(root, 'merged-2'))).toBe(wholeCode);
  });
});

describe('verify-upgrade --shard i/4, then merge-reports: the same comparison and exit rules as one run', () => {
  const targets = () => [join(scenarios, 'fake-kill.yaml'), join(scenarios, 'fake-regresses.yaml')];

  it('with 3 iterations a side, 4 shards merged give the table and exit code of one verify-upgrade', async () => {
    const one = planUpgrade(targets(), { from: 'bookworm', to: 'trixie', set: [], reportDir: join(root, 'up-one'), iterations: 3 });
    const oneCode = await runUpgrade(one);
    const pieces: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const plan = planUpgrade(targets(), { from: 'bookworm', to: 'trixie', set: [], reportDir: join(root, `up-shard-${i}`), iterations: 3, shard: { index: i, total: 4 } });
      await runUpgrade(plan);
      expect(existsSync(join(plan.outDir, 'comparison.json')), 'a shard compares nothing').toBe(false);
      pieces.push(plan.outDir);
    }
    const into = join(root, 'up-merged');
    const code = await mergeReports(pieces, into);
    expect(oneCode).toBe(1);
    expect(code).toBe(oneCode);
    type Side = { runs: number } | null;
    type Comparison = {
      exit_code: number; counts: unknown; indicative: unknown;
      scenarios: Array<{ scenario: string; before: unknown; after: unknown }>;
      metrics: Array<{ scenario: string; metric: string; class: string; before: Side; after: Side }>;
      findings: Array<{ scenario: string; line: string; class: string; before: unknown; after: unknown }>;
    } & Record<string, unknown>;
    // Every class of the table, and what it was counted from; not the figures, which differ between any two runs.
    const table = (c: Comparison) => ({
      keys: Object.keys(c), exit_code: c.exit_code, counts: c.counts, indicative: c.indicative, scenarios: c.scenarios,
      metrics: c.metrics.map((m) => `${m.scenario} ${m.metric} ${m.class} ${m.before?.runs ?? "-"}/${m.after?.runs ?? "-"}`),
      findings: c.findings.map((f) => ({ scenario: f.scenario, line: f.line, class: f.class, before: f.before, after: f.after })),
    });
    const merged = read(join(into, 'comparison.json')) as Comparison;
    expect(table(merged)).toEqual(table(read(join(one.outDir, 'comparison.json')) as Comparison));
    expect(readFileSync(join(into, 'comparison.md'), 'utf8')).toContain('fake-regresses');
    expect(contract(join(into, 'after', 'summary.json'))).toEqual(contract(join(one.outDir, 'after', 'summary.json')));
    // A piece of a different upgrade is refused.
    const err = await mergeReports([...pieces.slice(0, 3), join(root, 'shard-1')], join(root, 'up-mixed')).then(() => undefined, (e: unknown) => e);
    expect(exitCodeFor(err)).toBe(2);
  }, 180_000);
});

describe('checkPieces: hand-made shard.json files', () => {
  const meta = (index: number, ran: string[], o: Partial<ShardJson> = {}): ShardJson => ({
    suite: 's', side: null, shard: { index, total: 2 }, harness_version: '1', provider: 'docker', releases: ['bookworm'], iterations: 1, strict: false,
    units: [{ scenario: 'a', position: 1, iteration: 1, dir: '01-a' }, { scenario: 'b', position: 2, iteration: 1, dir: '02-b' }],
    units_hash: 'h', ran, scenarios: [], ...o,
  });
  const refusal = (pieces: Array<{ dir: string; meta: ShardJson }>) => {
    try {
      checkPieces(pieces);
    } catch (err) {
      expect(exitCodeFor(err)).toBe(2);
      return (err as Error).message;
    }
    return 'accepted';
  };
  it('accepts every shard once, each run once; an empty shard included', () => {
    expect(refusal([{ dir: 'x', meta: meta(1, ['01-a', '02-b']) }, { dir: 'y', meta: meta(2, []) }])).toBe('accepted');
  });
  it('refuses a run two shards ran, a run none ran, a run not in the list, another split and another side', () => {
    expect(refusal([{ dir: 'x', meta: meta(1, ['01-a', '02-b']) }, { dir: 'y', meta: meta(2, ['02-b']) }])).toMatch(/run 02-b is in two shards/);
    expect(refusal([{ dir: 'x', meta: meta(1, ['01-a']) }, { dir: 'y', meta: meta(2, []) }])).toMatch(/no shard ran 02-b/);
    expect(refusal([{ dir: 'x', meta: meta(1, ['01-a', '02-b']) }, { dir: 'y', meta: meta(2, ['03-c']) }])).toMatch(/03-c ran but is not in the suite's list/);
    expect(refusal([{ dir: 'x', meta: meta(1, ['01-a', '02-b']) }, { dir: 'y', meta: { ...meta(2, []), shard: { index: 2, total: 3 } } }])).toMatch(/not split the same way/);
    expect(refusal([{ dir: 'x', meta: meta(1, ['01-a', '02-b']) }, { dir: 'y', meta: meta(2, [], { side: 'after' }) }])).toMatch(/side "after"/);
    expect(refusal([])).toMatch(/no shard folders/);
  });
});
