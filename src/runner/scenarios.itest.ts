import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesContaining, runPasswords } from '../test-support/secrets.js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { processesOfRun } from '../cluster/local/run-record.js';
import { runRoot } from '../cluster/run-root.js';

/** The report.json a single-scenario run wrote into a fresh report folder. */
function reportOf(reportDir: string): Record<string, any> { // report.json is parsed JSON: its shape is what is under test
  const [runFolder] = readdirSync(reportDir);
  return JSON.parse(readFileSync(join(reportDir, runFolder ?? '', 'report.json'), 'utf8'));
}

const freshDir = () => mkdtempSync(join(tmpdir(), 'pc-reports-'));

function expectNothingLeft(report: Record<string, any>) {
  expect(report['error']).toBeNull();
  expect(report['run_id']).toMatch(/^\d{8}-\d{6}-[0-9a-f]{12}$/);
  expect(processesOfRun(`${runRoot()}/${report['run_id']}`)).toEqual([]);
}

describe('scenarios end to end on the local provider', () => {
  it('kill-primary: passes with the RTO inside the budget, nothing lost, one primary, phases filled in', async () => {
    const dir = freshDir();
    const r = await runCli(['run', 'scenarios/kill-primary.yaml', '--report-dir', dir, '--port-base', '7700']);
    const report = reportOf(dir);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(report['verdict']).toBe('pass');
    const m = report['metrics'];
    expect(m.rto_ms).toBeGreaterThan(0);
    expect(m.rto_ms).toBeLessThan(30_000);
    expect(m.lost_writes).toBe(0);
    expect(m.max_concurrent_primaries).toBe(1);
    expect(m.detection_ms).toBeGreaterThan(0);
    expect(m.promotion_ms).not.toBeNull();
    expect(m.reroute_ms).not.toBeNull();
    expect(m.faults[0].new_leader).not.toBe(m.faults[0].old_leader);
    expect(m.writes.ok).toBeGreaterThan(100);
    expect(report['sla'].map((s: { metric: string; status: string }) => `${s.metric} ${s.status}`)).toEqual([
      'rto_ms pass', 'lost_writes pass', 'max_concurrent_primaries pass', 'convergence_ms pass', 'unexpected_writes pass', 'failed_steps pass',
    ]);
    // The rows were compared on every member after the workload stopped, and the final read came from the leader.
    const history = readFileSync(join(dir, readdirSync(dir)[0] ?? '', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const final = history.filter((e) => e.kind === 'converged' && e.final === true);
    expect(final).toHaveLength(1);
    expect(new Set(final[0].members.map((mb: { digest: string }) => mb.digest)).size).toBe(1);
    const read = history.find((e) => e.kind === 'final-read');
    expect(read.node).toBe(m.faults[0].new_leader);
    expectNothingLeft(report);
    // The run's own passwords (no two runs share one) appear nowhere in its reports or logs.
    const passwords = runPasswords(`${runRoot()}/${report['run_id']}`);
    expect(passwords).toHaveLength(4);
    expect(filesContaining(dir, passwords)).toEqual([]);
  });

  it('kill-primary with ttl 60: exits 1 and names the violated RTO with its observed value (--json: the verdict on stdout, the lines on stderr)', async () => {
    const dir = freshDir();
    const r = await runCli(['run', 'scenarios/kill-primary.yaml', '--report-dir', dir, '--port-base', '7800', '--set', 'cluster.patroni.ttl=60', '--json']);
    const report = reportOf(dir);
    expect(r.code).toBe(1);
    expect(report['verdict']).toBe('fail');
    const rto = report['sla'].find((s: { metric: string }) => s.metric === 'rto_ms');
    expect(rto.pass).toBe(false);
    expect(rto.observed).toBeGreaterThan(30_000);
    expect(r.stderr).toMatch(/FAIL\s+kill-primary.*violated: rto_ms \d+/);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ verdict: 'fail', exit_code: 1 });
    expect(out.suites[0].dir.startsWith(dir)).toBe(true);
    expect(out.suites[0].runs[0]).toMatchObject({ scenario: 'kill-primary', iteration: 1, verdict: 'fail', dir: '.', rto_ms: rto.observed });
    expect(out.suites[0].runs[0].failed_sla).toContain('rto_ms');
  });

  it('switchover: no loss, one primary, and a verdict that follows the measured write outage', async () => {
    const dir = freshDir();
    const r = await runCli(['run', 'scenarios/switchover.yaml', '--report-dir', dir, '--port-base', '7900']);
    const report = reportOf(dir);
    const m = report['metrics'];
    expect(m.lost_writes).toBe(0);
    expect(m.max_concurrent_primaries).toBe(1);
    expect(m.faults[0].old_leader).not.toBe(m.faults[0].new_leader);
    // HAProxy's rise 2 x inter 2 s puts the outage right at the documents' 5 s: it falls on either
    // side from run to run, so the test holds the harness to judging it right, not the cluster to meeting it.
    expect(m.unavailability_ms).toBeGreaterThan(0);
    expect(m.unavailability_ms).toBeLessThan(15_000);
    // Over 5 s it is the known finding of known-findings.yaml (HAProxy 2.6): reported as known, exit 0.
    const line = report['sla'].find((s: { metric: string }) => s.metric === 'unavailability_ms');
    expect(line.status).toBe(m.unavailability_ms <= 5000 ? 'pass' : 'known');
    expect(report['verdict']).toBe('pass');
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
  });

  it('reports two primaries that really accept writes, even when the scenario does not ask', async () => {
    const dir = freshDir();
    const file = join(dir, 'split-brain.yaml');
    writeFileSync(file, `name: patroni-dies-async
description: Patroni dies on an asynchronous primary; PostgreSQL keeps running and accepting writes.
cluster: { replication: asynchronous, patroni: { ttl: 10, loop_wait: 2, retry_timeout: 3 } }
observe: { write_probes: true }
steps:
  - wait_for: healthy
  - fault: { action: kill-patroni, target: primary }
  - wait_for: { condition: new-leader, timeout: 60s }
  - sleep: 3s
  - heal: all
  - wait_for: { condition: converged, timeout: 120s }
sla:
  lost_writes: "<= 1000000"
`);
    const r = await runCli(['run', file, '--report-dir', join(dir, 'out'), '--port-base', '8000']);
    const report = reportOf(join(dir, 'out'));
    expect(report['metrics'].max_concurrent_primaries).toBe(2);
    expect(report['metrics'].split_brain_ms).toBeGreaterThan(1000);
    expect(report['verdict']).toBe('fail');
    expect(r.code).toBe(1);
    expect(report['sla'].find((s: { metric: string }) => s.metric === 'max_concurrent_primaries')?.pass).toBe(false);
  });
});

describe('interrupting a run', () => {
  it('Ctrl-C in the middle of a fault (a frozen primary) exits 3 and leaves nothing running', async () => {
    const { startCli, exited } = await import('../test-support/cli.js');
    const { child, output } = await startCli(['run', 'scenarios/freeze-primary.yaml', '--report-dir', freshDir(), '--port-base', '8400'], 'injected stop');
    const runId = /cluster (\d{8}-\d{6}-[0-9a-f]{12}) healthy/.exec(output())?.[1];
    expect(runId).toBeDefined();
    expect(processesOfRun(`${runRoot()}/${runId}`).length).toBeGreaterThan(6);
    child.kill('SIGINT');
    expect(await exited(child)).toBe(3);
    expect(processesOfRun(`${runRoot()}/${runId}`)).toEqual([]);
  });
});
