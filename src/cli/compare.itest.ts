/**
 * `compare` of two saved real runs (local provider) in which the before
 * side's failure is a known finding and the after side's is not: the
 * upgrade trap of issue 19, where the table read "pass (1) -> fail (1)",
 * "still failing; excused before..." and compare exited 0. The same
 * scenario runs twice with an RTO line no failover can meet; the before
 * copy has a known-findings.yaml beside it that excuses that line (as the
 * before release's range would), the after copy has none.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportJson } from '../report/json.js';
import { REPO, runCli } from '../test-support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'pc-compare-'));
const reportDirOf = (dir: string): string => join(execFileSync('find', [dir, '-name', 'report.json'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '', '..');

/** kill-primary with an RTO line of 1 ms, in its own folder, with or without a known finding excusing that line. */
function scenarioCopy(name: string, known: boolean): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const file = join(dir, 'kill-primary.yaml');
  copyFileSync(join(REPO, 'scenarios', 'kill-primary.yaml'), file);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}rto: seed-docs$/m, '  rto: { threshold: "< 1ms", source: "no failover is this fast" }'));
  if (known) {
    writeFileSync(join(dir, 'known-findings.yaml'), [
      'known_findings:',
      '  - scenario: kill-primary',
      '    metric: rto_ms',
      '    versions: { patroni: ">= 0.0.0" }',
      '    up_to: 120s',
      '    reason: stands for a finding the before release range excuses',
      '    reference: issue 19',
      '',
    ].join('\n'));
  }
  return file;
}

describe('compare of two real runs', () => {
  it('exits 1 when the before side\'s failure was a known finding and the after side\'s is not', async () => {
    const before = join(root, 'reports-before');
    const after = join(root, 'reports-after');
    const b = await runCli(['run', scenarioCopy('before', true), '--report-dir', before]);
    expect(b.code, b.stderr).toBe(0);
    const a = await runCli(['run', scenarioCopy('after', false), '--report-dir', after, '--port-base', '5200']);
    expect(a.code, a.stderr).toBe(1);
    const rtoLine = (dir: string) => (JSON.parse(readFileSync(join(reportDirOf(dir), 'report.json'), 'utf8')) as ReportJson).sla.find((l) => l.metric === 'rto_ms');
    expect(rtoLine(before)).toMatchObject({ status: 'known' });
    expect(rtoLine(after)).toMatchObject({ status: 'fail' });

    const c = await runCli(['compare', reportDirOf(before), reportDirOf(after)]);
    expect(c.code, c.stdout).toBe(1);
    expect(c.stdout).toMatch(/SLA rto_ms < 1ms\s+known\s+fail\s+still failing\s+excused before as a known finding, counted after/);
    expect(c.stdout).toMatch(/verdict\s+pass\s+fail\s+regressed/);
    expect(c.stdout.split('\n')[0]).toMatch(/^Metric comparison indicative: one run on a side/);
  }, 900_000);
});
