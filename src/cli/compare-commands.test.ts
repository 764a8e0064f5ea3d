import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../report/test-fixture.js';
import { writeRunReport } from '../report/write.js';
import type { SlaResult } from '../sla/types.js';
import { main } from './main.js';

const root = mkdtempSync(join(tmpdir(), 'pc-cli-compare-'));
afterAll(() => { rmSync(root, { recursive: true, force: true }); });

let stdout = '';
beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout += String(chunk); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  // The command sets it for the process, as the CLI does; the next test starts clean.
  process.exitCode = undefined;
});

/** The fixture's run with its lost_writes line excused as a known finding (the before release's range) or counted. */
function lossRun(status: 'known' | 'fail', lost: number) {
  const base = run();
  const known = { reason: 'asynchronous failover loses acknowledged writes', reference: 'docs/known.md', reproduced: true };
  const sla: SlaResult[] = [{ metric: 'lost_writes', threshold: '== 0', observed: lost, pass: false, status, ...(status === 'known' ? { known } : {}) }];
  return run({ analysis: { ...base.analysis, metrics: { ...base.analysis.metrics, lost_writes: lost }, sla, verdict: status === 'known' ? 'pass' : 'fail' } });
}

describe('patroni-chaos compare', () => {
  it('exits 1 when the before side\'s loss was a known finding and the after side\'s is not (issue 19)', async () => {
    await writeRunReport(join(root, 'before'), lossRun('known', 803));
    await writeRunReport(join(root, 'after'), lossRun('fail', 802));
    expect(await main(['compare', join(root, 'before'), join(root, 'after')])).toBe(1);
    expect(stdout).toMatch(/SLA lost_writes == 0\s+known\s+fail\s+still failing\s+excused before as a known finding, counted after/);
    expect(stdout).toMatch(/kill-primary\s+pass \(1 run\)\s+fail \(1 run\)/);
    stdout = '';
    process.exitCode = undefined;
    expect(await main(['compare', join(root, 'before'), join(root, 'after'), '--json'])).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ exit_code: 1, counts: { 'still failing': 1 } });
  });

  it('exits 0 when the same known finding is excused on both sides', async () => {
    await writeRunReport(join(root, 'before-known'), lossRun('known', 803));
    await writeRunReport(join(root, 'after-known'), lossRun('known', 802));
    expect(await main(['compare', join(root, 'before-known'), join(root, 'after-known')])).toBe(0);
    expect(stdout).toContain('a known finding on both sides, not counted (as in run)');
  });
});
