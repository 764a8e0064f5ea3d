import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareReports } from './compare.js';
import { ReportFolderError } from './read-reports.js';
import { metrics, passingRun, run } from './test-fixture.js';
import { writeRunReport, writeSuiteSummary } from './write.js';

let root: string;
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'report-compare-')); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

describe('compareReports', () => {
  it('sets two runs side by side with the delta (B - A)', async () => {
    await writeRunReport(join(root, 'a'), passingRun(20_000));
    await writeRunReport(join(root, 'b'), run());
    const { rows, verdicts, text } = compareReports(join(root, 'a'), join(root, 'b'));
    const rto = rows.find((r) => r.metric === 'rto_ms');
    expect(rto).toEqual({ scenario: 'kill-primary', metric: 'rto_ms', a: 20_000, b: 41_230, delta: 21_230 });
    expect(rows.find((r) => r.metric === 'lost_writes')).toMatchObject({ a: 0, b: 2, delta: 2 });
    expect(rows.find((r) => r.metric === 'p99_during_ms')).toMatchObject({ a: null, b: null, delta: null });
    expect(rows.map((r) => r.metric)).toEqual([
      'rto_ms', 'detection_ms', 'promotion_ms', 'reroute_ms', 'unavailability_ms', 'lost_writes',
      'max_concurrent_primaries', 'convergence_ms', 'p99_during_ms',
    ]);
    expect(verdicts).toEqual([{ scenario: 'kill-primary', a: 'pass', b: 'fail', runsA: 1, runsB: 1 }]);
    expect(text).toContain('kill-primary: A ✅ pass (1 run) · B ❌ fail (1 run)');
    expect(text).toMatch(/rto_ms\s+20\.0 s\s+41\.2 s\s+\+21\.2 s/);
    expect(text).toMatch(/lost_writes\s+0\s+2\s+\+2/);
  });

  it('compares suites by the median of their iterations, and shows scenarios on one side only', async () => {
    const suiteA = join(root, 'old');
    const latency = { ...metrics().latency, during: { count: 10, p50_ms: 5, p95_ms: 9, p99_ms: 30, max_ms: 40 } };
    const runsA = [passingRun(10_000), passingRun(30_000, { iteration: 2 }), passingRun(20_000, { iteration: 3 })];
    for (const [i, r] of runsA.entries()) await writeRunReport(join(suiteA, `run-${i}`), r);
    await writeSuiteSummary(suiteA, 'nightly', runsA.map((r, i) => ({ run: r, dir: join(suiteA, `run-${i}`) })));
    const b = passingRun(12_000);
    const single = { ...b, analysis: { ...b.analysis, metrics: { ...b.analysis.metrics, rto_ms: 12_000, latency } } };
    const other = passingRun(3_000, { scenario: { ...run().scenario, name: 'switchover' } });
    await writeRunReport(join(root, 'new', 'r1'), single);
    await writeRunReport(join(root, 'new', 'r2'), other);
    await writeSuiteSummary(join(root, 'new'), 'nightly', [{ run: single, dir: join(root, 'new', 'r1') }, { run: other, dir: join(root, 'new', 'r2') }]);

    const { rows, verdicts } = compareReports(suiteA, join(root, 'new'));
    expect(rows.find((r) => r.scenario === 'kill-primary' && r.metric === 'rto_ms')).toMatchObject({ a: 20_000, b: 12_000, delta: -8_000 });
    expect(rows.find((r) => r.scenario === 'kill-primary' && r.metric === 'p99_during_ms')).toMatchObject({ a: null, b: 30, delta: null });
    expect(verdicts).toEqual([
      { scenario: 'kill-primary', a: 'pass', b: 'pass', runsA: 3, runsB: 1 },
      { scenario: 'switchover', a: null, b: 'pass', runsA: 0, runsB: 1 },
    ]);
  });

  it('fails clearly when a folder holds no report', async () => {
    await writeRunReport(join(root, 'a'), run());
    await mkdir(join(root, 'empty'));
    expect(() => compareReports(join(root, 'a'), join(root, 'empty'))).toThrow(ReportFolderError);
    expect(() => compareReports(join(root, 'a'), join(root, 'empty'))).toThrow(/empty: no report\.json or summary\.json/);
    expect(() => compareReports(join(root, 'missing'), join(root, 'a'))).toThrow(/missing: no such report folder/);
    await mkdir(join(root, 'bad'));
    await writeFile(join(root, 'bad', 'report.json'), '{"hello": 1}');
    expect(() => compareReports(join(root, 'a'), join(root, 'bad'))).toThrow(/not a patroni-chaos report/);
  });
});
