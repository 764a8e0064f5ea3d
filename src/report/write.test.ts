import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metrics, passingRun, run } from './test-fixture.js';
import { writeRunReport, writeSuiteSummary } from './write.js';

let root: string;
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'report-write-')); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

describe('writeRunReport', () => {
  it('creates the folder and writes the four files', async () => {
    const dir = join(root, 'deep', 'kill-primary-1');
    const paths = await writeRunReport(dir, run());
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'report.md', 'timeline.html']);
    expect(paths.json).toBe(join(dir, 'report.json'));
    const json = JSON.parse(await readFile(paths.json, 'utf8')) as { verdict: string; metrics: { rto_ms: number } };
    expect(json.verdict).toBe('fail');
    expect(json.metrics.rto_ms).toBe(41_230);
    expect(await readFile(paths.junit, 'utf8')).toContain('rto_ms observed 41.2 s violates &lt; 30s');
  });

  it('writes every file for a run whose cluster never started', async () => {
    const empty = metrics({ rto_ms: null, detection_ms: null, promotion_ms: null, reroute_ms: null, faults: [] });
    const never = run({
      events: [], endedAt: run().startedAt, logsDir: undefined,
      harnessError: { code: 'MISSING_BINARY', message: 'patroni not found on PATH' },
      analysis: { metrics: empty, checks: [], sla: [], verdict: 'error' },
    });
    const paths = await writeRunReport(join(root, 'never'), never);
    const md = await readFile(paths.markdown, 'utf8');
    expect(md).toContain('**MISSING_BINARY**: patroni not found on PATH');
    expect(md).toContain('| 1 | wait for healthy (timeout 1 min 00 s) |  |  | not run |');
    expect(md).toContain('| total RTO (the write outage the fault caused) | — |');
    expect(await readFile(paths.junit, 'utf8')).toContain('tests="1" failures="0" errors="1"');
    expect(JSON.parse(await readFile(paths.json, 'utf8'))).toMatchObject({ verdict: 'error', timeline: [], duration_ms: 0 });
  });
});

describe('writeSuiteSummary', () => {
  it('writes summary.json with run folders relative to it, summary.md, the suite junit and its timeline page', async () => {
    const a = join(root, 'kill-primary-1');
    const b = join(root, 'kill-primary-2');
    const paths = await writeSuiteSummary(root, 'nightly', [{ run: passingRun(20_000), dir: a }, { run: run({ iteration: 2 }), dir: b }]);
    const summary = JSON.parse(await readFile(paths.json, 'utf8')) as { verdict: string; runs: Array<{ dir: string }> };
    expect(summary.verdict).toBe('fail');
    expect(summary.runs.map((r) => r.dir)).toEqual(['kill-primary-1', 'kill-primary-2']);
    expect(await readFile(paths.markdown, 'utf8')).toContain('| kill-primary | 2 | ❌ fail |');
    expect(await readFile(paths.junit, 'utf8')).toContain('<testsuites name="nightly" tests="9" failures="2" errors="0"');
    expect(await readFile(paths.html, 'utf8')).toContain('href="kill-primary-2/timeline.html"');
  });
});
