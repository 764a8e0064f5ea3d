import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadScenarioText, loadTargets } from '../scenario/load.js';
import { REPO } from '../test-support/cli.js';
import { CLUSTER_COST_MS, estimateMs, shardArg, shardKeys, splitUnits, suiteUnits, unitKey, type Unit } from './shard.js';

const unit = (dir: string, estimate_ms: number): Unit => ({ suite: 's', side: null, scenario: dir, position: 1, iteration: 1, dir, estimate_ms });

describe('--shard i/N', () => {
  it('takes 1/1 to N/N and refuses 0/3, 4/3, 1/0, x, 1.5/3 and an empty shard number', () => {
    expect(shardArg('2/3')).toEqual({ index: 2, total: 3 });
    expect(shardArg('1/1')).toEqual({ index: 1, total: 1 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1.5/3', '/3', '2/', '-1/3', '2/3/4']) expect(() => shardArg(bad), bad).toThrow(/expected i\/N with 1 <= i <= N/);
  });
});

describe('the split', () => {
  it('estimates a run from its steps: sleeps in full, waits at their typical time within their timeout, a nemesis its duration, plus a cluster', () => {
    const s = loadScenarioText(`name: x
steps:
  - sleep: 10s
  - fault: { action: kill, target: primary }
  - wait_for: { condition: new-leader, timeout: 5s }
  - heal: all
  - wait_for: converged
  - nemesis: { duration: 60s, faults: [{ action: kill, target: primary }] }
sla: { rto: "< 30s" }
`, 'x.yaml');
    // The nemesis: its minute, then the last fault's recovery at a convergence's typical time.
    expect(estimateMs(s)).toBe(CLUSTER_COST_MS + 10_000 + 1_000 + 5_000 + 1_000 + 20_000 + 60_000 + 20_000);
  });

  it('puts every unit in exactly one shard, longest first onto the least loaded, ties in run order', () => {
    const units = [unit('a', 10), unit('b', 50), unit('c', 30), unit('d', 30), unit('e', 20)];
    const shards = splitUnits(units, 2);
    // b(50) -> 1; c(30) -> 2; d(30) -> 2 (30 < 50); e(20) -> 1 (50 < 60); a(10) -> 2 (60 < 70).
    expect(shards.map((s) => s.map((u) => u.dir))).toEqual([['b', 'e'], ['a', 'c', 'd']]);
    expect(shards.flat().map((u) => u.dir).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('leaves a shard empty when there are more shards than runs, and never gives a run twice', () => {
    const shards = splitUnits([unit('a', 1), unit('b', 1)], 3);
    expect(shards.map((s) => s.length)).toEqual([1, 1, 0]);
  });

  it('splits the nightly into 3 the same way every time, each run once, within one run of the balance', () => {
    const suites = loadTargets([join(REPO, 'scenarios', 'nightly.yaml')]);
    const units = suites.flatMap((s) => suiteUnits(s, 3));
    expect(units).toHaveLength(13 * 3);
    const keys = [1, 2, 3].map((index) => shardKeys(units, { index, total: 3 }));
    const again = [1, 2, 3].map((index) => shardKeys(loadTargets([join(REPO, 'scenarios', 'nightly.yaml')]).flatMap((s) => suiteUnits(s, 3)), { index, total: 3 }));
    expect(again).toEqual(keys);
    expect(keys.flatMap((k) => [...k]).sort()).toEqual(units.map(unitKey).sort());
    const loads = splitUnits(units, 3).map((s) => s.reduce((n, u) => n + u.estimate_ms, 0));
    const longest = Math.max(...units.map((u) => u.estimate_ms));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(longest);
    // Each scenario's iterations are named as one machine names them.
    expect(units.slice(0, 3).map((u) => u.dir)).toEqual(['01-kill-primary-1', '01-kill-primary-2', '01-kill-primary-3']);
  });
});

describe('the CLI refuses a bad --shard before anything starts', () => {
  beforeEach(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => { vi.restoreAllMocks(); });

  it.each([['run'], ['verify-upgrade', '--from', 'bookworm', '--to', 'trixie']])('%s --shard 4/3: exit 2', async (...cmd) => {
    const { main } = await import('./main.js');
    const { runSuites } = await import('./run-suites.js');
    for (const bad of ['0/3', '4/3', 'x']) {
      expect(await main([...cmd, '--shard', bad, join(REPO, 'scenarios', 'kill-primary.yaml')])).toBe(2);
    }
    expect(vi.mocked(process.stderr.write).mock.calls.flat().join('')).toMatch(/--shard.*expected i\/N/);
    expect(typeof runSuites).toBe('function');
  });

  it('merge-reports without --into, or of a folder that is not a shard: exit 2', async () => {
    const { main } = await import('./main.js');
    expect(await main(['merge-reports', join(REPO, 'scenarios')])).toBe(2);
    expect(await main(['merge-reports', join(REPO, 'scenarios'), '--into', join(REPO, 'no-such-merge-target-x')])).toBe(2);
  });
});
