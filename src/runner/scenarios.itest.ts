import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { processesOfRun } from '../cluster/local/run-record.js';

/** The report.json a single-scenario run wrote into a fresh report folder. */
function reportOf(reportDir: string): Record<string, any> { // report.json is parsed JSON: its shape is what is under test
  const [runFolder] = readdirSync(reportDir);
  return JSON.parse(readFileSync(join(reportDir, runFolder ?? '', 'report.json'), 'utf8'));
}

const freshDir = () => mkdtempSync(join(tmpdir(), 'pc-reports-'));

function expectNothingLeft(report: Record<string, any>) {
  expect(report['error']).toBeNull();
  expect(processesOfRun(`/tmp/patroni-chaos/${report['run_id'] ?? ''}`)).toEqual([]);
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
    expect(report['sla'].map((s: { metric: string }) => s.metric)).toEqual(['rto_ms', 'lost_writes', 'max_concurrent_primaries']);
    expectNothingLeft(report);
  });

  it('kill-primary with ttl 60: exits 1 and names the violated RTO with its observed value', async () => {
    const dir = freshDir();
    const r = await runCli(['run', 'scenarios/kill-primary.yaml', '--report-dir', dir, '--port-base', '7800', '--set', 'cluster.patroni.ttl=60']);
    const report = reportOf(dir);
    expect(r.code).toBe(1);
    expect(report['verdict']).toBe('fail');
    const rto = report['sla'].find((s: { metric: string }) => s.metric === 'rto_ms');
    expect(rto.pass).toBe(false);
    expect(rto.observed).toBeGreaterThan(30_000);
    expect(r.stdout).toMatch(/FAIL\s+kill-primary.*violated: rto_ms \d+/);
  });

  it('switchover: passes with no loss, one primary and short unavailability', async () => {
    const dir = freshDir();
    const r = await runCli(['run', 'scenarios/switchover.yaml', '--report-dir', dir, '--port-base', '7900']);
    const report = reportOf(dir);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const m = report['metrics'];
    expect(m.lost_writes).toBe(0);
    expect(m.max_concurrent_primaries).toBe(1);
    expect(m.unavailability_ms).toBeLessThanOrEqual(5000);
    expect(m.faults[0].old_leader).not.toBe(m.faults[0].new_leader);
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
