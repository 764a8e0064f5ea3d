import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../errors.js';
import { compareReports, scriptedHoldMs } from './compare.js';
import type { ReportJson } from './json.js';
import { comparisonMarkdown, comparisonText } from './compare-text.js';
import { ReportFolderError } from './read-reports.js';
import { passingRun, run } from './test-fixture.js';
import { writeRunReport } from './write.js';

let root: string;
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'report-compare-')); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

interface Hand {
  scenario?: string;
  verdict?: string;
  metrics?: Record<string, unknown>;
  sla?: Array<Record<string, unknown>>;
  release?: string;
  patroni?: string;
}

/** A report.json as small as compare reads, written by hand so that it can also be wrong in the ways real files are. */
function report(h: Hand = {}): Record<string, unknown> {
  return {
    verdict: h.verdict ?? 'pass',
    scenario: { name: h.scenario ?? 'kill-primary', description: '', file: null, tags: [] },
    provider: 'docker',
    versions: { postgres: '15.14', patroni: h.patroni ?? '3.0.2', etcd: '3.4.23', haproxy: '2.6.12' },
    cluster: { ttl: 20, loop_wait: 5, retry_timeout: 5, replication: 'synchronous', ...(h.release ? { release: h.release } : {}) },
    metrics: { rto_ms: 20_000, detection_ms: 15_000, lost_writes: 0, max_concurrent_primaries: 1, convergence_ms: 12_000, ...h.metrics },
    sla: h.sla ?? [
      { metric: 'rto_ms', threshold: '< 30s', observed: 20_000, pass: true, status: 'pass' },
      { metric: 'lost_writes', threshold: '== 0', observed: 0, pass: true, status: 'pass' },
    ],
    checks: [],
  };
}

/** One report folder, or a suite folder (summary.json listing one folder per run) for several. */
async function folder(name: string, reports: Array<Record<string, unknown>>, stats: Record<string, unknown> = {}): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  if (reports.length === 1 && Object.keys(stats).length === 0) {
    await writeFile(join(dir, 'report.json'), JSON.stringify(reports[0]));
    return dir;
  }
  const runs = [];
  for (const [i, r] of reports.entries()) {
    const sub = `run-${i}`;
    await mkdir(join(dir, sub));
    await writeFile(join(dir, sub, 'report.json'), JSON.stringify(r));
    runs.push({ scenario: (r['scenario'] as { name: string }).name, iteration: i + 1, dir: sub });
  }
  await writeFile(join(dir, 'summary.json'), JSON.stringify({ suite: 's', runs, stats }));
  return dir;
}

const rto = (ms: number, h: Hand = {}) => report({ ...h, metrics: { rto_ms: ms, ...h.metrics } });

describe('compareReports', () => {
  it('compares the runs the harness writes: one run a side is indicative; the new failing lines gate', async () => {
    await writeRunReport(join(root, 'a'), passingRun(20_000));
    await writeRunReport(join(root, 'b'), run());
    const c = compareReports(join(root, 'a'), join(root, 'b'));
    expect(c.scenarios).toEqual([{ scenario: 'kill-primary', before: { verdict: 'pass', runs: 1, verdict_runs: 1 }, after: { verdict: 'fail', runs: 1, verdict_runs: 1 }, indicative: true, note: 'indicative: one run on a side' }]);
    expect(c.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'regressed', change: 21_230, indicative: true, before: { median: 20_000 }, after: { median: 41_230 } });
    expect(c.metrics.find((r) => r.metric === 'lost_writes')).toMatchObject({ class: 'regressed', change: 2 });
    // Neither side measured the latency during the fault: no row.
    expect(c.metrics.find((r) => r.metric === 'p99_during_ms')).toBeUndefined();
    expect(c.findings.find((r) => r.line === 'rto_ms')).toMatchObject({ class: 'new finding', threshold: '< 30s' });
    expect(c.findings.find((r) => r.line === 'lost_writes')).toMatchObject({ class: 'new finding', before: null });
    expect(c.exit_code).toBe(1);
    const text = comparisonText(c);
    expect(text).toMatch(/kill-primary\s+rto_ms\s+20\.0 s\s+41\.2 s\s+\+21\.2 s\s+regressed\s+indicative/);
    expect(text).toMatch(/SLA rto_ms < 30s\s+pass\s+fail\s+new finding/);
    expect(text).toContain('local; postgres 15.8, patroni 3.3.2, etcd 3.5.16, haproxy ?');
    expect(text).toContain('exit 1 (a regression, or a finding new or still failing after)');
    // The first line says the metric rows do not gate, and names those that would have.
    expect(text.split('\n')[0]).toMatch(/^Metric comparison indicative: one run on a side in kill-primary, .*Would have gated: kill-primary rto_ms \(regressed\), kill-primary lost_writes \(regressed\)/);
    expect(c.indicative).toEqual({ scenarios: ['kill-primary'], would_gate: [{ scenario: 'kill-primary', metric: 'rto_ms', class: 'regressed' }, { scenario: 'kill-primary', metric: 'lost_writes', class: 'regressed' }] });
    expect(text).toContain(`Rule: ${c.rule}`);
  });

  it('shows a metric change between two single runs, but does not exit 1 on it: one run is not a distribution', async () => {
    const c = compareReports(await folder('a', [rto(20_000)]), await folder('b', [rto(25_000, { metrics: { detection_ms: 13_000 } })]));
    expect(c.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'regressed', indicative: true });
    expect(c.counts.regressed).toBe(1);
    expect(c.exit_code).toBe(0);
    expect(comparisonText(c)).toContain('1 regressed (1 indicative, not counted), 1 improved, 5 same: exit 0');
    expect(comparisonText(c).split('\n')[0]).toContain('Would have gated: kill-primary rto_ms (regressed).');
    expect(comparisonMarkdown(c)).toMatch(/^# ✅ NO REGRESSION, NOTHING FAILING AFTER: .*\n\n> ⚠️ Metric comparison indicative: one run on a side in kill-primary/);
    // Several runs on one side and one on the other is still a single run.
    const d = compareReports(await folder('c', [rto(20_000), rto(20_500)]), await folder('d', [rto(25_000)]));
    expect(d.exit_code).toBe(0);
    expect(d.scenarios[0]).toMatchObject({ indicative: true });
  });

  it('shows each side\'s provider, release and component versions', async () => {
    const c = compareReports(await folder('a', [report({ release: 'bookworm' })]), await folder('b', [report({ release: 'trixie', patroni: '4.0.7' })]));
    expect(c.before).toMatchObject({ providers: ['docker'], releases: ['bookworm'], versions: { patroni: ['3.0.2'], postgres: ['15.14'] }, scenarios: 1, runs: 1 });
    expect(c.after).toMatchObject({ releases: ['trixie'], versions: { patroni: ['4.0.7'] } });
    expect(comparisonText(c)).toContain('docker, release trixie; postgres 15.14, patroni 4.0.7');
    expect(comparisonMarkdown(c)).toContain('| after | `');
  });

  it('calls equal distributions the same and exits 0', async () => {
    const side = () => [rto(20_000), rto(22_000), rto(25_000)];
    const c = compareReports(await folder('a', side()), await folder('b', side()));
    expect(c.scenarios[0]).toMatchObject({ indicative: false });
    expect(c.indicative).toBeNull();
    expect(new Set([...c.metrics, ...c.findings].map((r) => r.class))).toEqual(new Set(['same']));
    expect(c.exit_code).toBe(0);
    expect(comparisonText(c).split('\n')[0]).toMatch(/^before: /);
    expect(comparisonText(c)).toMatch(/rto_ms\s+22\.0 s \(20\.0 s–25\.0 s, n=3\)/);
  });

  it('does not flag noise inside the band, but flags a bad tail after beyond it', async () => {
    const c = compareReports(await folder('a', [rto(20_000), rto(25_000), rto(22_000)]), await folder('b', [rto(24_000), rto(25_500), rto(26_000)]));
    expect(c.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'same', change: 3_500, band: { lower: 16_000, upper: 28_000, tail: 28_000 } });
    expect(c.exit_code).toBe(0);
    // One run after at 58 s, past anything before and past the band: the median alone would not have said so.
    const d = compareReports(await folder('c', [rto(20_000), rto(25_000), rto(22_000)]), await folder('d', [rto(24_000), rto(25_500), rto(58_000)]));
    expect(d.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'regressed', note: 'p90 (bad tail) above the band' });
    expect(d.exit_code).toBe(1);
    expect(comparisonText(d)).toMatch(/rto_ms .* regressed\s+p90 \(bad tail\) above the band; p90 limit 28\.0 s/);
  });

  it('leaves the scenario\'s sleeps from the first fault on out of the 5 % floor of rto, unavailability and recovery', async () => {
    // majority-ring: 5 s before the fault, the fault, 45 s of partition, the heal, then Patroni's own recovery.
    const timeline = [
      { at_ms: 10_000, kind: 'step', index: 1, step: 'sleep 5 s', phase: 'start', type: 'sleep' },
      { at_ms: 15_000, kind: 'step', index: 1, step: 'sleep 5 s', phase: 'end', type: 'sleep', ok: true },
      { at_ms: 15_000, kind: 'step', index: 2, step: 'fault partition-hosts cluster', phase: 'start', type: 'fault' },
      { at_ms: 16_000, kind: 'step', index: 2, step: 'fault partition-hosts cluster', phase: 'end', type: 'fault', ok: true },
      { at_ms: 16_000, kind: 'step', index: 3, step: 'sleep 45 s', phase: 'start', type: 'sleep' },
      { at_ms: 61_000, kind: 'step', index: 3, step: 'sleep 45 s', phase: 'end', type: 'sleep', ok: true },
    ];
    const ring = (ms: number) => ({ ...report({ scenario: 'majority-ring', metrics: { rto_ms: ms, unavailability_ms: ms - 500, recovery_ms: ms + 100, convergence_ms: ms - 45_000 } }), timeline });
    const c = compareReports(await folder('a', [ring(59_200), ring(61_300), ring(61_500)]), await folder('b', [ring(62_200), ring(64_300), ring(64_500)]));
    for (const m of ['rto_ms', 'unavailability_ms', 'recovery_ms'] as const) {
      expect(c.metrics.find((r) => r.metric === m), m).toMatchObject({ class: 'regressed', note: 'median above the band' });
    }
    expect(c.metrics.find((r) => r.metric === 'rto_ms')?.band).toEqual({ lower: 60_300, upper: 62_300, tail: 62_500 });
    // convergence runs from the heal, with no sleep in it: its own figure, on the fixed floor here anyway.
    expect(c.metrics.find((r) => r.metric === 'convergence_ms')).toMatchObject({ class: 'regressed' });
    expect(c.exit_code).toBe(1);
    // Without a timeline (an older report) nothing is left out: the 5 % of the whole figure, as before.
    const strip = (r: Record<string, unknown>) => ({ ...r, timeline: undefined });
    const old = compareReports(await folder('c', [59_200, 61_300, 61_500].map((ms) => strip(ring(ms)))), await folder('d', [62_200, 64_300, 64_500].map((ms) => strip(ring(ms)))));
    expect(old.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'same' });
    // Only the part of a sleep inside the figure counts (from the first fault on, for the figure's length); the sleep before the fault never.
    const r = ring(0) as unknown as ReportJson;
    expect([scriptedHoldMs(r, 61_300), scriptedHoldMs(r, 20_000), scriptedHoldMs(r, 500), scriptedHoldMs(r, null)]).toEqual([45_000, 19_000, 0, 0]);
  });

  it('does not let one outlier before hide a steady regression (before 11, 12, 26 s; after 22, 23, 24 s)', async () => {
    const c = compareReports(await folder('a', [rto(11_000), rto(12_000), rto(26_000)]), await folder('b', [rto(22_000), rto(23_000), rto(24_000)]));
    expect(c.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'regressed', indicative: false, change: 11_000, band: { upper: 15_000 } });
    expect(c.exit_code).toBe(1);
    expect(comparisonText(c)).toMatch(/rto_ms\s+12\.0 s \(11\.0 s–26\.0 s, n=3\)\s+23\.0 s \(22\.0 s–24\.0 s, n=3\)\s+\+11\.0 s\s+regressed\s+median above the band; limit 15\.0 s/);
  });

  it('takes the worse of two runs as the median, and an improvement needs the after side\'s worst run below the band', async () => {
    const c = compareReports(await folder('a', [rto(20_000), rto(21_000)]), await folder('b', [rto(18_000), rto(23_000)]));
    expect(c.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'regressed', before: { median: 21_000 }, after: { median: 23_000 } });
    const d = compareReports(await folder('c', [rto(20_000), rto(21_000)]), await folder('d', [rto(15_000), rto(16_000)]));
    expect(d.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'improved' });
    expect(d.exit_code).toBe(0);
    const e = compareReports(await folder('e', [rto(20_000), rto(21_000)]), await folder('f', [rto(15_000), rto(20_500)]));
    expect(e.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'same' });
  });

  it('holds safety counts to the before side\'s worst run, with no band, including leader changes when both sides count them', async () => {
    const side = (extra: Array<Record<string, unknown>>) => extra.map((metrics) => report({ metrics }));
    const c = compareReports(
      await folder('a', side([{ unexpected_writes: 0, failed_steps: 0, stale_leader_writes: 0, leader_changes: 1 }, { unexpected_writes: 0, failed_steps: 0, stale_leader_writes: 0, leader_changes: 1 }, { unexpected_writes: 0, failed_steps: 0, stale_leader_writes: 0, leader_changes: 1 }])),
      await folder('b', side([{ unexpected_writes: 0, failed_steps: 0, stale_leader_writes: 0, leader_changes: 1 }, { unexpected_writes: 1, failed_steps: 1, stale_leader_writes: 2, leader_changes: 2 }, { unexpected_writes: 0, failed_steps: 0, stale_leader_writes: 0, leader_changes: 1 }])),
    );
    for (const m of ['unexpected_writes', 'failed_steps', 'stale_leader_writes', 'leader_changes']) {
      expect(c.metrics.find((r) => r.metric === m)).toMatchObject({ class: 'regressed', kind: 'count', band: null, indicative: false });
    }
    expect(c.exit_code).toBe(1);
    // Reports written before leader_changes existed: no row; one side only: not compared.
    const old = compareReports(await folder('c', [report(), report()]), await folder('d', [report(), report()]));
    expect(old.metrics.find((r) => r.metric === 'leader_changes')).toBeUndefined();
    const mixed = compareReports(await folder('e', [report(), report()]), await folder('f', side([{ leader_changes: 3 }, { leader_changes: 3 }])));
    expect(mixed.metrics.find((r) => r.metric === 'leader_changes')).toMatchObject({ class: 'not compared', note: 'not measured before' });
    expect(mixed.exit_code).toBe(0);
  });

  it('does not compare a metric missing on one side (absent key or not a number)', async () => {
    const after = report({ metrics: { convergence_ms: 'soon' } });
    delete (after['metrics'] as Record<string, unknown>)['detection_ms'];
    const c = compareReports(await folder('a', [report()]), await folder('b', [after]));
    expect(c.metrics.find((r) => r.metric === 'detection_ms')).toMatchObject({ class: 'not compared', note: 'not measured after', after: null });
    expect(c.metrics.find((r) => r.metric === 'convergence_ms')).toMatchObject({ class: 'not compared' });
    expect(c.exit_code).toBe(0);
  });

  it('lists a scenario run on one side only, and counts what fails in one not run before as new', async () => {
    const before = await folder('a', [report(), report({ scenario: 'switchover' })]);
    const failing = report({ scenario: 'majority-ring', verdict: 'fail', sla: [{ metric: 'max_concurrent_primaries', threshold: '<= 1', observed: 2, pass: false, status: 'fail' }] });
    const c = compareReports(before, await folder('b', [report(), failing]));
    expect(c.scenarios.map((s) => [s.scenario, s.note])).toEqual([['kill-primary', 'indicative: one run on a side'], ['switchover', 'not run after'], ['majority-ring', 'not run before']]);
    expect(c.metrics.filter((r) => r.scenario !== 'kill-primary')).toEqual([]);
    expect(c.findings.filter((r) => r.scenario !== 'kill-primary')).toEqual([
      { scenario: 'majority-ring', line: 'verdict', threshold: null, before: null, after: { runs: 1, pass: 0, known: 0, fail: 1, unknown: 0 }, class: 'new finding', note: 'not passing in 1 of 1 run after, not run before' },
      { scenario: 'majority-ring', line: 'max_concurrent_primaries', threshold: '<= 1', before: null, after: { runs: 1, pass: 0, known: 0, fail: 1, unknown: 0 }, class: 'new finding', note: 'scenario not run before' },
    ]);
    expect(c.exit_code).toBe(1);
    const passing = compareReports(before, await folder('c', [report(), report({ scenario: 'majority-ring' })]));
    expect(passing.exit_code).toBe(0);
  });

  it('an after side that could not be judged is a new finding; a before side that could not is not compared, and leaves the comparison incomplete', async () => {
    const error = report({ verdict: 'error', metrics: { rto_ms: null }, sla: [{ metric: 'lost_writes', threshold: '== 0', observed: null, pass: false, status: 'unknown' }, { metric: 'rto_ms', threshold: '< 30s', observed: null, pass: false, status: 'someday' }] });
    const c = compareReports(await folder('a', [report()]), await folder('b', [error]));
    expect(c.findings.find((r) => r.line === 'verdict')).toMatchObject({ class: 'new finding', note: 'could not be judged after (verdict error); not passing in 1 of 1 run after, 0 of 1 before', after: { unknown: 1 } });
    expect(c.findings.find((r) => r.line === 'lost_writes')).toMatchObject({ class: 'new finding', note: 'no evidence after (unknown), which run judges an error' });
    // A status this version does not know is no evidence either.
    expect(c.findings.find((r) => r.line === 'rto_ms')).toMatchObject({ class: 'new finding', after: { unknown: 1 } });
    expect(c.exit_code).toBe(1);
    // A line with no evidence gates on its own, even in a report whose verdict says pass.
    const blind = report({ sla: [{ metric: 'lost_writes', threshold: '== 0', observed: null, pass: false, status: 'unknown' }] });
    expect(compareReports(await folder('g', [report()]), await folder('h', [blind])).exit_code).toBe(1);
    const d = compareReports(await folder('c', [error]), await folder('d', [report()]));
    expect(d.findings.find((r) => r.line === 'verdict')).toMatchObject({ class: 'not compared', note: 'could not be judged before (verdict error)' });
    expect(d).toMatchObject({ incomplete: ['kill-primary'], exit_code: 3 });
    // Neither side could be judged: nothing verified the after side, so it is no pass.
    const e = compareReports(await folder('e', [error]), await folder('f', [error]));
    expect(e.findings.find((r) => r.line === 'verdict')).toMatchObject({ class: 'still failing', note: expect.stringMatching(/^could not be judged on either side \(verdict error\), so the after side is not verified/) });
    expect(e.exit_code).toBe(1);
  });

  it('exits 1 when the before side\'s failure was a known finding and the after side\'s is not (issue 19: "pass (1) -> fail (1)", exit 0)', async () => {
    const known = { reason: 'asynchronous replication loses acknowledged writes on failover', reference: 'docs/async.md' };
    const before = report({ metrics: { lost_writes: 803 }, sla: [{ metric: 'lost_writes', threshold: '== 0', observed: 803, pass: false, status: 'known', known: { ...known, reproduced: true } }] });
    const after = report({ verdict: 'fail', patroni: '4.0.7', metrics: { lost_writes: 802 }, sla: [{ metric: 'lost_writes', threshold: '== 0', observed: 802, pass: false, status: 'fail' }] });
    const c = compareReports(await folder('a', [before]), await folder('b', [after]));
    expect(c.findings).toEqual([
      expect.objectContaining({ line: 'verdict', class: 'regressed', note: 'more failing runs after; not passing in 1 of 1 run after, 0 of 1 before' }),
      expect.objectContaining({ line: 'lost_writes', class: 'still failing', note: 'excused before as a known finding, counted after', known }),
    ]);
    // 802 lost after is fewer than 803: the metric is not what gates.
    expect(c.metrics.find((r) => r.metric === 'lost_writes')).toMatchObject({ class: 'improved', indicative: true });
    expect(c.exit_code).toBe(1);
    expect(c.counts).toMatchObject({ 'still failing': 1, regressed: 1 });
    const text = comparisonText(c);
    expect(text).toMatch(/SLA lost_writes == 0\s+known\s+fail\s+still failing\s+excused before as a known finding, counted after; known finding: docs\/async\.md/);
    expect(text).not.toMatch(/lost_writes == 0.*\bsame\b/);
    expect(comparisonMarkdown(c)).toMatch(/^# ❌ REGRESSION OR FAILING AFTER/);
  });

  it('exits 1 on a line failing on both sides, and calls a higher failure rate after a regression', async () => {
    const failing = report({ verdict: 'fail', metrics: { rto_ms: 41_000 }, sla: [{ metric: 'rto_ms', threshold: '< 30s', observed: 41_000, pass: false, status: 'fail' }] });
    const c = compareReports(await folder('a', [failing, report(), report()]), await folder('b', [failing, failing, report()]));
    // lost_writes held in every run on both sides: a row of its own, the same.
    expect(c.findings.filter((r) => r.class !== 'same')).toEqual([
      expect.objectContaining({ line: 'verdict', class: 'regressed', note: 'more failing runs after; not passing in 2 of 3 runs after, 1 of 3 before' }),
      expect.objectContaining({ line: 'rto_ms', class: 'still failing', note: 'failed before too' }),
    ]);
    expect(c.exit_code).toBe(1);
    const same = compareReports(await folder('c', [failing, report(), report()]), await folder('d', [report(), failing, report()]));
    expect(same.findings.map((r) => [r.line, r.class])).toEqual([['verdict', 'still failing'], ['rto_ms', 'still failing'], ['lost_writes', 'same']]);
    expect(same.exit_code).toBe(1);
  });

  it('a known finding failing before and passing after is a fixed finding, with its reference', async () => {
    const known = { reason: 'frozen primary retakes its key', reference: 'patroni/patroni#2689' };
    const before = report({ scenario: 'freeze-primary', metrics: { lost_writes: 19_219 }, sla: [{ metric: 'lost_writes', threshold: '== 0', observed: 19_219, pass: false, status: 'known', known: { ...known, reproduced: true } }] });
    const after = report({ scenario: 'freeze-primary', sla: [{ metric: 'lost_writes', threshold: '== 0', observed: 0, pass: true, status: 'pass' }] });
    const c = compareReports(await folder('a', [before]), await folder('b', [after]));
    expect(c.findings).toEqual([expect.objectContaining({ line: 'lost_writes', class: 'fixed finding', known })]);
    expect(c.metrics.find((r) => r.metric === 'lost_writes')).toMatchObject({ class: 'improved' });
    expect(c.exit_code).toBe(0);
    expect(comparisonText(c)).toMatch(/SLA lost_writes == 0\s+known\s+pass\s+fixed finding\s+known finding: patroni\/patroni#2689/);
    // The other way round: reproduced after, excused as run excuses it.
    const back = compareReports(await folder('c', [after]), await folder('d', [before]));
    expect(back.findings[0]).toMatchObject({ class: 'same', note: 'a known finding reproduced after, not counted (as in run)' });
  });

  it('says of a scenario\'s verdict how many of how many runs had it: fail (1 of 3 runs), not fail (3 runs)', async () => {
    const failing = report({ verdict: 'fail', metrics: { rto_ms: 41_000 }, sla: [{ metric: 'rto_ms', threshold: '< 30s', observed: 41_000, pass: false, status: 'fail' }] });
    const c = compareReports(await folder('a', [report(), report(), report()]), await folder('b', [report(), failing, report()]));
    expect(c.scenarios[0]).toMatchObject({ before: { verdict: 'pass', runs: 3, verdict_runs: 3 }, after: { verdict: 'fail', runs: 3, verdict_runs: 1 } });
    expect(comparisonMarkdown(c)).toContain('| kill-primary | pass (3 of 3 runs) | fail (1 of 3 runs) |');
    expect(comparisonText(c)).toMatch(/kill-primary\s+pass \(3 of 3 runs\)\s+fail \(1 of 3 runs\)/);
    // One run a side: nothing to count.
    const one = compareReports(await folder('c', [report()]), await folder('d', [failing]));
    expect(comparisonMarkdown(one)).toContain('| kill-primary | pass (1 run) | fail (1 run) |');
  });

  it('says a scenario failed over its runs and in none alone when only a line over the iterations failed it, not 0 of 3 runs', async () => {
    const deferred = () => rto(20_000, { sla: [{ metric: 'unavailability_ms', threshold: '<= 5s', stat: 'p95', observed: 4_000, pass: true, status: 'deferred' }] });
    const over = (status: string) => ({ 'kill-primary': { sla_over_iterations: [{ metric: 'unavailability_ms', threshold: '<= 5s', stat: 'p95', observed: 6_000, pass: status === 'pass', status }] } });
    const c = compareReports(await folder('a', [deferred(), deferred(), deferred()], over('pass')), await folder('b', [deferred(), deferred(), deferred()], over('fail')));
    expect(c.scenarios[0]?.after).toEqual({ verdict: 'fail', runs: 3, verdict_runs: 0 });
    expect(comparisonMarkdown(c)).toContain('| kill-primary | pass (3 of 3 runs) | fail (over 3 runs, in none alone) |');
  });

  it('judges a line over the iterations from summary.json, not from its deferred runs', async () => {
    const deferred = (ms: number) => rto(ms, { sla: [{ metric: 'unavailability_ms', threshold: '<= 5s', stat: 'p95', observed: ms, pass: true, status: 'deferred' }] });
    const over = (status: string) => ({ 'kill-primary': { sla_over_iterations: [{ metric: 'unavailability_ms', threshold: '<= 5s', stat: 'p95', observed: 4_000, pass: status === 'pass', status }] } });
    const c = compareReports(await folder('a', [deferred(20_000), deferred(20_000)], over('pass')), await folder('b', [deferred(20_000), deferred(20_000)], over('fail')));
    expect(c.findings).toEqual([expect.objectContaining({ line: 'unavailability_ms p95', class: 'new finding', before: { runs: 1, pass: 1, known: 0, fail: 0, unknown: 0 } })]);
  });

  it('exits 1 when a line judged over the iterations had no evidence after, though every run passed (issue 19: run exits 3, compare exited 0)', async () => {
    // With the statistic deferred, each run's verdict is pass; run judged the scenario error over its iterations.
    const deferred = (ms: number | null) => report({ metrics: { rto_ms: ms }, sla: [{ metric: 'rto_ms', threshold: '< 30s', stat: 'p90', observed: ms, pass: ms !== null, status: ms === null ? 'unknown' : 'deferred' }] });
    const over = (status: string, verdict?: string) => ({ 'kill-primary': { ...(verdict === undefined ? {} : { verdict }), sla_over_iterations: [{ metric: 'rto_ms', threshold: '< 30s', stat: 'p90', observed: status === 'pass' ? 20_000 : null, pass: status === 'pass', status }] } });
    const before = await folder('a', [deferred(20_000), deferred(20_000), deferred(20_000)], over('pass', 'pass'));
    // The third run has no such line, which makes the statistic unknown (judgeOverIterations); every run's verdict is pass.
    const afterRuns = [deferred(20_000), deferred(20_000), { ...deferred(null), sla: [] }];
    const c = compareReports(before, await folder('b', afterRuns, over('unknown', 'error')));
    expect(c.findings).toEqual([expect.objectContaining({ line: 'rto_ms p90', class: 'new finding', note: 'no evidence after (unknown), which run judges an error', after: expect.objectContaining({ unknown: 1 }) })]);
    expect(c.scenarios[0]).toMatchObject({ before: { verdict: 'pass' }, after: { verdict: 'error' } });
    expect(c.exit_code).toBe(1);
    // An older summary without the scenario's verdict: the line alone gates.
    expect(compareReports(before, await folder('c', afterRuns, over('unknown'))).exit_code).toBe(1);
  });

  it('exits 1 when summary.json judged the scenario red after and no row says why (the net under the rows)', async () => {
    const c = compareReports(await folder('a', [report(), report()], { 'kill-primary': { verdict: 'pass' } }), await folder('b', [report(), report()], { 'kill-primary': { verdict: 'error' } }));
    expect(c.findings.filter((r) => r.class !== 'same')).toEqual([expect.objectContaining({ line: 'verdict', class: 'new finding', note: 'run judged the scenario error after, pass before', after: expect.objectContaining({ pass: 2 }) })]);
    expect(c.exit_code).toBe(1);
    // A verdict this version does not know is no pass either.
    expect(compareReports(await folder('c', [report(), report()]), await folder('d', [report(), report()], { 'kill-primary': { verdict: 'someday' } })).exit_code).toBe(1);
    // A row that already gates is not doubled.
    const failing = report({ verdict: 'fail', sla: [{ metric: 'lost_writes', threshold: '== 0', observed: 2, pass: false, status: 'fail' }], metrics: { lost_writes: 2 } });
    const d = compareReports(await folder('e', [report(), report()]), await folder('f', [failing, report()], { 'kill-primary': { verdict: 'fail' } }));
    expect(d.findings.filter((r) => r.line === 'verdict')).toEqual([expect.objectContaining({ class: 'regressed' })]);
  });

  it('exits 3 when the before side could never be judged: nothing was compared, so it cannot say "no regression" (issue 19)', async () => {
    const error = report({ verdict: 'error', metrics: { rto_ms: null } });
    const c = compareReports(await folder('a', [error, error, error]), await folder('b', [report(), report(), report()]));
    expect(c.findings.find((r) => r.line === 'verdict')).toMatchObject({ class: 'not compared' });
    expect(c).toMatchObject({ incomplete: ['kill-primary'], exit_code: 3 });
    expect(comparisonText(c)).toContain('exit 3 (incomplete: run could not judge the before side of kill-primary, verdict error)');
    expect(comparisonMarkdown(c)).toMatch(/^# ⚠️ INCOMPLETE, THE BEFORE SIDE COULD NOT BE JUDGED/);
    // Judged error before over its iterations (summary.json), every run passing: incomplete as well.
    const over = compareReports(await folder('c', [report(), report()], { 'kill-primary': { verdict: 'error' } }), await folder('d', [report(), report()]));
    expect(over).toMatchObject({ incomplete: ['kill-primary'], exit_code: 3 });
    // A finding after outranks an incomplete before side; a scenario the after side did not run leaves nothing incomplete.
    const failing = report({ verdict: 'fail', sla: [{ metric: 'lost_writes', threshold: '== 0', observed: 1, pass: false, status: 'fail' }] });
    expect(compareReports(await folder('e', [error, error]), await folder('f', [failing, report()])).exit_code).toBe(1);
    const other = compareReports(await folder('g', [report(), report(), error, error].map((r, i) => ({ ...r, scenario: { name: i < 2 ? 'kill-primary' : 'gone', description: '', file: null, tags: [] } }))), await folder('h', [report(), report()]));
    expect(other).toMatchObject({ incomplete: [], exit_code: 0 });
  });

  it('writes JSON that states the rule and the floors', async () => {
    const c = compareReports(await folder('a', [report()]), await folder('b', [report()]));
    const json = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['rule', 'floors', 'before', 'after', 'scenarios', 'metrics', 'findings', 'alert_rules', 'counts', 'indicative', 'incomplete', 'exit_code']);
    expect(json['floors']).toMatchObject({ rto_ms: 1000, lost_writes: 0, max_concurrent_primaries: 0, unexpected_writes: 0, failed_steps: 0, leader_changes: 0, p99_during_ms: 100 });
    expect(json['counts']).toEqual({ regressed: 0, improved: 0, same: 7, 'fixed finding': 0, 'new finding': 0, 'still failing': 0, unknown: 0, 'not compared': 0 });
    expect(String(json['rule'])).toContain('the band is C ± max(F, 3 × MAD)');
    expect(String(json['rule'])).toContain('Worked example: rto_ms before 11 s, 12 s, 26 s');
    expect(String(json['rule'])).toContain('A rule that fired before, in any run, is a new finding when it can never fire after');
    // Reports without alerts (these hand-made ones, or an older version's): no rule to compare.
    expect(json['alert_rules']).toEqual([]);
  });

  it('refuses a missing or unreadable folder as invalid input (exit 2)', async () => {
    const a = await folder('a', [report()]);
    await mkdir(join(root, 'empty'));
    expect(() => compareReports(a, join(root, 'empty'))).toThrow(ReportFolderError);
    expect(() => compareReports(a, join(root, 'empty'))).toThrow(/empty: no report\.json or summary\.json/);
    expect(() => compareReports(join(root, 'missing'), a)).toThrow(/missing: no such report folder/);
    await mkdir(join(root, 'bad'));
    await writeFile(join(root, 'bad', 'report.json'), '{"hello": 1}');
    expect(() => compareReports(a, join(root, 'bad'))).toThrow(/not a patroni-chaos report/);
    await writeFile(join(root, 'bad', 'report.json'), '{"verdict": "pass", ');
    expect(() => compareReports(a, join(root, 'bad'))).toThrow(/not readable JSON/);
    await writeFile(join(root, 'bad', 'report.json'), JSON.stringify(report({ verdict: 'maybe' })));
    expect(() => compareReports(a, join(root, 'bad'))).toThrow(/not a patroni-chaos report/);
    let thrown: unknown;
    try {
      compareReports(a, join(root, 'missing'));
    } catch (err) {
      thrown = err;
    }
    expect(exitCodeFor(thrown)).toBe(EXIT.invalidInput);
  });
});

describe('compare notes sides that ran with different parallelism (run --parallel), and does not gate on it', () => {
  /** A suite folder of three runs, its summary.json saying `parallel` (or, like summaries before the key, nothing). */
  async function suiteRan(name: string, parallel: number | undefined): Promise<string> {
    const dir = await folder(name, [report(), report(), report()]);
    const file = join(dir, 'summary.json');
    if (parallel !== undefined) await writeFile(file, JSON.stringify({ ...(JSON.parse(await readFile(file, 'utf8')) as object), parallel }));
    return dir;
  }
  const NOTE = 'not comparable unless measured';

  it('says so in comparison.md and on the console when one side shared the machine and the other did not', async () => {
    const c = compareReports(await suiteRan('serial', undefined), await suiteRan('two', 2));
    expect([c.before.parallel, c.after.parallel]).toEqual([1, 2]);
    expect(comparisonMarkdown(c)).toContain('> ⚠️ The sides ran with different parallelism (before: one run at a time, after: up to 2 runs at once): their timings are not comparable unless measured');
    expect(comparisonText(c)).toContain(NOTE);
    expect(comparisonText(c)).toContain('3 runs, up to 2 at once (--parallel)');
    // A note only: the same figures compare as they would serially.
    expect(c.exit_code).toBe(0);
  });

  it('says nothing when both sides ran alike, serial (old summaries, single runs) or both parallel', async () => {
    const same = compareReports(await suiteRan('p2a', 2), await suiteRan('p2b', 2));
    expect(comparisonMarkdown(same)).not.toContain(NOTE);
    const old = compareReports(await suiteRan('old', undefined), await suiteRan('one', 1));
    expect(comparisonText(old)).not.toContain(NOTE);
    expect(old.before.parallel).toBe(1);
    const single = compareReports(await folder('single', [report()]), await suiteRan('s1', 1));
    expect(comparisonMarkdown(single)).not.toContain(NOTE);
  });

  it('takes a parallel that is no positive whole number for serial, not for a reason to note', async () => {
    const c = compareReports(await suiteRan('odd', 0), await suiteRan('serial2', 1));
    expect(c.before.parallel).toBe(1);
    expect(comparisonText(c)).not.toContain(NOTE);
  });
});
