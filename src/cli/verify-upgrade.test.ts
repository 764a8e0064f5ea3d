import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusalOf } from '../scenario/test-support.js';
import { ReportFolderError } from '../report/read-reports.js';
import { REPO } from '../test-support/cli.js';
import { DEFAULT_UPGRADE_ITERATIONS, DEFAULT_UPGRADE_SUITE, planUpgrade, type UpgradeOptions } from './verify-upgrade.js';

let root: string;
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'verify-upgrade-')); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

const opts = (o: Partial<UpgradeOptions> = {}): UpgradeOptions => ({ from: 'bookworm', to: 'trixie', set: [], reportDir: root, ...o });
const scenario = (name: string) => join(REPO, 'scenarios', `${name}.yaml`);


describe('planUpgrade: everything is checked before a cluster starts', () => {
  it('runs the docker nightly on both releases by default, each side in its own folder under one upgrade folder', () => {
    const plan = planUpgrade([], opts({ iterations: 3 }));
    expect(DEFAULT_UPGRADE_SUITE).toBe(scenario('docker-nightly'));
    if (!('release' in plan.before)) throw new Error('expected a release on the before side');
    expect(plan.before.suite.name).toBe('docker-nightly');
    expect(new Set(plan.before.suite.scenarios.map((s) => s.cluster.release))).toEqual(new Set(['bookworm']));
    expect(new Set(plan.after.suite.scenarios.map((s) => s.cluster.release))).toEqual(new Set(['trixie']));
    expect(plan.after.suite.scenarios.map((s) => s.name)).toEqual(plan.before.suite.scenarios.map((s) => s.name));
    expect(plan.outDir).toMatch(new RegExp(`^${root}/\\d{8}-\\d{6}-upgrade-bookworm-to-trixie$`));
    expect(plan.before.dir).toBe(join(plan.outDir, 'before'));
    expect(plan.after.dir).toBe(join(plan.outDir, 'after'));
    expect(plan.iterations).toBe(3);
  });

  it('runs 3 iterations per side by default, though the nightly suite asks for 1: the rule compares distributions', async () => {
    expect(DEFAULT_UPGRADE_ITERATIONS).toBe(3);
    const plan = planUpgrade([], opts());
    if (!('release' in plan.before)) throw new Error('expected a release on the before side');
    expect(plan.before.suite.iterations).toBe(1);
    expect(plan.iterations).toBe(3);
    expect(planUpgrade([], opts({ iterations: 1 })).iterations).toBe(1);
    // A suite that asks for more keeps its own.
    const suite = join(root, 'five.yaml');
    await writeFile(suite, `suite: five\niterations: 5\nscenarios:\n  - ${scenario('kill-primary')}\n`);
    expect(planUpgrade([suite], opts()).iterations).toBe(5);
  });

  it('makes one suite of several targets, so that each side is one report folder', () => {
    const plan = planUpgrade([scenario('kill-primary'), scenario('switchover')], opts({ set: ['workload.writers=2'] }));
    expect(plan.after.suite).toMatchObject({ name: 'verify-upgrade', iterations: 1 });
    expect(plan.after.suite.scenarios.map((s) => [s.name, s.workload.writers])).toEqual([['kill-primary', 2], ['switchover', 2]]);
  });

  it('takes a saved report folder as the before side, after checking it is one', async () => {
    const saved = join(root, 'saved');
    await mkdir(saved);
    expect(() => planUpgrade([scenario('kill-primary')], opts({ from: saved }))).toThrow(ReportFolderError);
    await writeFile(join(saved, 'report.json'), JSON.stringify({ verdict: 'pass', scenario: { name: 'kill-primary' }, metrics: {} }));
    const plan = planUpgrade([scenario('kill-primary')], opts({ from: saved }));
    expect(plan.before).toEqual({ reports: saved });
    expect(plan.outDir).toMatch(/-upgrade-saved-to-trixie$/);
  });

  it('names the flag at fault', () => {
    expect(refusalOf(() => planUpgrade([], opts({ to: 'buster' })))).toEqual(['--to: "buster" is not a release; expected one of bookworm, trixie, forky']);
    expect(refusalOf(() => planUpgrade([], opts({ from: 'bullseye' })))).toEqual(['--from: "bullseye" is neither a release (bookworm, trixie, forky) nor a report folder']);
    expect(refusalOf(() => planUpgrade([], opts({ set: ['cluster.release=trixie'] })))).toEqual(['--set cluster.release: is set by --from and --to on each side; leave it out']);
    expect(refusalOf(() => planUpgrade([], opts({ set: ['nonsense'] })))[0]).toMatch(/expected path=value/);
  });

  it('refuses a provider that takes no release, and a scenario the provider cannot run', () => {
    expect(refusalOf(() => planUpgrade([], opts(), 'local'))[0]).toMatch(/provider "local" runs the components installed on this machine and takes no release/);
    // Docker runs every fault now: what it cannot run is a scenario whose versions exclude a side's release.
    const refused = refusalOf(() => planUpgrade([scenario('quorum-commit')], opts()));
    expect(refused.join('\n')).toMatch(/quorum-commit\.yaml[^\n]*bookworm[^\n]*3\.0\.2/);
    expect(refusalOf(() => planUpgrade([join(root, 'nope.yaml')], opts())).join('\n')).toMatch(/nope\.yaml/);
  });
});
