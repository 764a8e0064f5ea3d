import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../errors.js';
import { compareReports } from './compare.js';
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
    expect(c.scenarios).toEqual([{ scenario: 'kill-primary', before: { verdict: 'pass', runs: 1 }, after: { verdict: 'fail', runs: 1 }, indicative: true, note: 'indicative: one run on a side' }]);
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
    expect(text).toContain('exit 1 (a regression or a new finding)');
    expect(text).toContain(`Rule: ${c.rule}`);
  });

  it('shows a metric change between two single runs, but does not exit 1 on it: one run is not a distribution', async () => {
    const c = compareReports(await folder('a', [rto(20_000)]), await folder('b', [rto(25_000, { metrics: { detection_ms: 13_000 } })]));
    expect(c.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'regressed', indicative: true });
    expect(c.counts.regressed).toBe(1);
    expect(c.exit_code).toBe(0);
    expect(comparisonText(c)).toContain('1 regressed (1 indicative, not counted), 1 improved, 5 same: exit 0');
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
    expect(new Set([...c.metrics, ...c.findings].map((r) => r.class))).toEqual(new Set(['same']));
    expect(c.exit_code).toBe(0);
    expect(comparisonText(c)).toMatch(/rto_ms\s+22\.0 s \(20\.0 s–25\.0 s, n=3\)/);
  });

  it('does not flag noise inside the before range, nor one bad run after', async () => {
    const c = compareReports(await folder('a', [rto(20_000), rto(25_000), rto(22_000)]), await folder('b', [rto(24_000), rto(25_500), rto(58_000)]));
    expect(c.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'same', change: 3_500 });
    expect(c.exit_code).toBe(0);
  });

  it('flags a median past the before worst by more than the floor, and an improvement past the before best', async () => {
    const c = compareReports(await folder('a', [rto(20_000), rto(21_000), rto(22_000)]), await folder('b', [rto(23_500), rto(24_000), rto(12_000)]));
    expect(c.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'regressed', indicative: false });
    expect(c.exit_code).toBe(1);
    const d = compareReports(await folder('c', [rto(20_000), rto(21_000)]), await folder('d', [rto(15_000), rto(16_000)]));
    expect(d.metrics.find((r) => r.metric === 'rto_ms')).toMatchObject({ class: 'improved' });
    expect(d.exit_code).toBe(0);
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
      { scenario: 'majority-ring', line: 'max_concurrent_primaries', threshold: '<= 1', before: null, after: { runs: 1, pass: 0, known: 0, fail: 1, unknown: 0 }, class: 'new finding', note: 'scenario not run before' },
    ]);
    expect(c.exit_code).toBe(1);
    const passing = compareReports(before, await folder('c', [report(), report({ scenario: 'majority-ring' })]));
    expect(passing.exit_code).toBe(0);
  });

  it('an after side that could not be judged is a new finding; a before side that could not is not compared', async () => {
    const error = report({ verdict: 'error', metrics: { rto_ms: null }, sla: [{ metric: 'lost_writes', threshold: '== 0', observed: null, pass: false, status: 'unknown' }, { metric: 'rto_ms', threshold: '< 30s', observed: null, pass: false, status: 'someday' }] });
    const c = compareReports(await folder('a', [report()]), await folder('b', [error]));
    expect(c.findings.find((r) => r.line === 'verdict')).toMatchObject({ class: 'new finding', note: 'could not be judged after (verdict error)', after: { unknown: 1 } });
    expect(c.findings.find((r) => r.line === 'lost_writes')).toMatchObject({ class: 'not compared', note: 'no evidence after (unknown)' });
    // A status this version does not know is no evidence either.
    expect(c.findings.find((r) => r.line === 'rto_ms')).toMatchObject({ class: 'not compared', after: { unknown: 1 } });
    expect(c.exit_code).toBe(1);
    const d = compareReports(await folder('c', [error]), await folder('d', [report()]));
    expect(d.findings.find((r) => r.line === 'verdict')).toMatchObject({ class: 'not compared', note: 'could not be judged before (verdict error)' });
    expect(d.exit_code).toBe(0);
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

  it('judges a line over the iterations from summary.json, not from its deferred runs', async () => {
    const deferred = (ms: number) => rto(ms, { sla: [{ metric: 'unavailability_ms', threshold: '<= 5s', stat: 'p95', observed: ms, pass: true, status: 'deferred' }] });
    const over = (status: string) => ({ 'kill-primary': { sla_over_iterations: [{ metric: 'unavailability_ms', threshold: '<= 5s', stat: 'p95', observed: 4_000, pass: status === 'pass', status }] } });
    const c = compareReports(await folder('a', [deferred(20_000), deferred(20_000)], over('pass')), await folder('b', [deferred(20_000), deferred(20_000)], over('fail')));
    expect(c.findings).toEqual([expect.objectContaining({ line: 'unavailability_ms p95', class: 'new finding', before: { runs: 1, pass: 1, known: 0, fail: 0, unknown: 0 } })]);
  });

  it('writes JSON that states the rule and the floors', async () => {
    const c = compareReports(await folder('a', [report()]), await folder('b', [report()]));
    const json = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['rule', 'floors', 'before', 'after', 'scenarios', 'metrics', 'findings', 'counts', 'exit_code']);
    expect(json['floors']).toMatchObject({ rto_ms: 1000, lost_writes: 0, max_concurrent_primaries: 0, p99_during_ms: 100 });
    expect(json['counts']).toEqual({ regressed: 0, improved: 0, same: 7, 'fixed finding': 0, 'new finding': 0, 'not compared': 0 });
    expect(String(json['rule'])).toContain("worse than the before side's worst run by more than the metric's floor");
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
