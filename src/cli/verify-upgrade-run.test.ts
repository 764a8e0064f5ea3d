import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { passingRun, run } from '../report/test-fixture.js';
import type { RunRecord } from '../report/types.js';
import { writeRunReport } from '../report/write.js';
import type { Suite } from '../scenario/types.js';
import type { RunSuitesOptions } from './run-suites.js';

// Each side "runs" by writing a hand-made report where runSuites would, and exits with the code given.
const sides: Array<{ record: RunRecord; code: number }> = [];
vi.mock('./run-suites.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./run-suites.js')>()),
  runSuites: vi.fn(async (suites: Suite[], o: RunSuitesOptions) => {
    const side = sides.shift();
    const suite = suites[0];
    if (side === undefined || suite === undefined || o.suiteDir === undefined) throw new Error('unexpected runSuites call');
    await writeRunReport(o.suiteDir(suite), side.record);
    return side.code;
  }),
}));
const { runSuites } = await import('./run-suites.js');
const { planUpgrade, runUpgrade, upgradeExitCode } = await import('./verify-upgrade.js');
const { REPO } = await import('../test-support/cli.js');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'verify-upgrade-run-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  sides.length = 0;
  await rm(root, { recursive: true, force: true });
});

const plan = () => planUpgrade([join(REPO, 'scenarios', 'kill-primary.yaml')], { from: 'bookworm', to: 'trixie', set: [], reportDir: root });

describe('runUpgrade: the exit code follows the after side', () => {
  it('passes the default 3 iterations to both sides, and exits 1 when the after side fails', async () => {
    sides.push({ record: passingRun(20_000), code: 0 }, { record: run(), code: 1 });
    const p = plan();
    expect(await runUpgrade(p)).toBe(1);
    expect(vi.mocked(runSuites).mock.calls.map(([, o]) => o.iterations)).toEqual([3, 3]);
    const json = JSON.parse(await readFile(join(p.outDir, 'comparison.json'), 'utf8')) as { exit_code: number; indicative: unknown };
    expect(json).toMatchObject({ exit_code: 1, indicative: { scenarios: ['kill-primary'] } });
  });

  it('is never 0 while the after side\'s own run is not, even when the table finds nothing', async () => {
    sides.push({ record: passingRun(20_000), code: 0 }, { record: passingRun(20_000), code: 1 });
    expect(await runUpgrade(plan())).toBe(1);
    sides.push({ record: passingRun(20_000), code: 0 }, { record: passingRun(20_000), code: 0 });
    expect(await runUpgrade(plan())).toBe(0);
    // A before side that could not complete leaves the comparison incomplete.
    sides.push({ record: passingRun(20_000), code: 3 }, { record: passingRun(20_000), code: 0 });
    expect(await runUpgrade(plan())).toBe(3);
  });

  it('holds a saved before folder to what run said of it: 3 when a run there could not be judged (issue 19: exit 0)', async () => {
    const saved = join(root, 'saved');
    const savedRun = (name: string, verdict: string) => ({ ...JSON.parse(JSON.stringify(passingRun(20_000))) as object, verdict, scenario: { name, description: '', file: null, tags: [] }, metrics: { rto_ms: null }, sla: [] });
    await mkdir(join(saved, 'r1'), { recursive: true });
    await writeFile(join(saved, 'r1', 'report.json'), JSON.stringify(savedRun('kill-primary', 'error')));
    await writeFile(join(saved, 'summary.json'), JSON.stringify({ suite: 's', runs: [{ scenario: 'kill-primary', iteration: 1, dir: 'r1' }], stats: {} }));
    const fromSaved = () => planUpgrade([join(REPO, 'scenarios', 'kill-primary.yaml')], { from: saved, to: 'trixie', set: [], reportDir: root });
    sides.push({ record: passingRun(20_000), code: 0 });
    expect(await runUpgrade(fromSaved())).toBe(3);
    // A saved run of another scenario that could not complete: the table has nothing incomplete, the before side still could not complete.
    await writeFile(join(saved, 'r1', 'report.json'), JSON.stringify(savedRun('other', 'error')));
    sides.push({ record: passingRun(20_000), code: 0 });
    expect(await runUpgrade(fromSaved())).toBe(3);
    // Judged error over its iterations in summary.json, though its run passed.
    await writeFile(join(saved, 'r1', 'report.json'), JSON.stringify(savedRun('kill-primary', 'pass')));
    await writeFile(join(saved, 'summary.json'), JSON.stringify({ suite: 's', runs: [{ scenario: 'kill-primary', iteration: 1, dir: 'r1' }], stats: { 'kill-primary': { verdict: 'error' } } }));
    sides.push({ record: passingRun(20_000), code: 0 });
    expect(await runUpgrade(fromSaved())).toBe(3);
    await writeFile(join(saved, 'summary.json'), JSON.stringify({ suite: 's', runs: [{ scenario: 'kill-primary', iteration: 1, dir: 'r1' }], stats: { 'kill-primary': { verdict: 'pass' } } }));
    sides.push({ record: passingRun(20_000), code: 0 });
    expect(await runUpgrade(fromSaved())).toBe(0);
  });
});

describe('upgradeExitCode: the table, then the after side\'s own run, then an incomplete before side', () => {
  it('says 1 for a finding, the after run\'s code when it was red, 3 when the before side could not be judged, else 0', () => {
    expect(upgradeExitCode(1, 3, 3)).toBe(1);
    expect(upgradeExitCode(0, 0, 1)).toBe(1);
    // An incomplete table does not hide an after side that run judged red.
    expect(upgradeExitCode(3, 0, 1)).toBe(1);
    expect(upgradeExitCode(3, 0, 0)).toBe(3);
    expect(upgradeExitCode(0, 3, 0)).toBe(3);
    expect(upgradeExitCode(0, 1, 0)).toBe(0);
  });

  it('says why an incomplete table exits 3: a row with evidence before and none after is no before side that could not be judged', () => {
    const err = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    try {
      expect(upgradeExitCode(3, 0, 0, 'no evidence after for what the before side showed (unknown, which run exits 3 for): baseline alert PostgresNoLeader')).toBe(3);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toBe('patroni-chaos: the comparison is incomplete (no evidence after for what the before side showed (unknown, which run exits 3 for): baseline alert PostgresNoLeader): exit 3\n');
    } finally {
      err.mockRestore();
    }
  });
});
