/**
 * Issue 19, section 4, on real local clusters: a fault that finds nothing to
 * act on ends the run with a harness error, never a pass; one that acts
 * records what was seen. Run alone: vitest run --project integration src/faults/proof-of-effect.itest.ts
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesOfRun } from '../cluster/local/run-record.js';
import { runRoot } from '../cluster/run-root.js';
import { runCli } from '../test-support/cli.js';

function reportOf(reportDir: string): Record<string, any> { // report.json is parsed JSON: its shape is what is under test
  const [runFolder] = readdirSync(reportDir);
  return JSON.parse(readFileSync(join(reportDir, runFolder ?? '', 'report.json'), 'utf8'));
}

async function runScenarioText(text: string, portBase: string): Promise<{ code: number | null; stderr: string; report: Record<string, any> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-effect-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, text);
  const r = await runCli(['run', file, '--report-dir', join(dir, 'out'), '--port-base', portBase]);
  return { code: r.code, stderr: r.stderr, report: reportOf(join(dir, 'out')) };
}

describe('faults prove they acted, on the local provider', () => {
  it('pause-replication on a primary with no replica left to stream to is a harness error (exit 3), not a pass', async () => {
    const { code, stderr, report } = await runScenarioText(`name: pause-nothing
description: Both replicas shut down, then the primary's WAL senders paused, of which there are none.
cluster: { replication: asynchronous }
steps:
  - wait_for: healthy
  - fault: { action: shutdown, target: replica, id: down-a }
  - fault: { action: shutdown, target: replica, id: down-b }
  - sleep: 2s
  - fault: { action: pause-replication, target: primary, id: stall }
  - heal: all
  - wait_for: { condition: converged, timeout: 120s }
`, '8500');
    expect(code, stderr.slice(-2000)).toBe(3);
    expect(report['verdict']).toBe('error');
    expect(report['error']).toMatchObject({ code: 'FAULT_FAILED', message: expect.stringMatching(/^fault pause-replication on patroni\d failed: patroni\d has no WAL sender or receiver process: SIGSTOP would pause nothing/) });
    expect(report['timeline'].filter((e: { kind: string; id?: string }) => e.kind === 'fault' && e.id === 'stall')).toMatchObject([{ phase: 'inject', error: expect.stringContaining('would pause nothing') }]);
    expect(processesOfRun(`${runRoot()}/${report['run_id']}`)).toEqual([]);
  });

  it('pause-replication on a replica records the stall it saw, and the run passes', async () => {
    const { code, stderr, report } = await runScenarioText(`name: pause-replica
description: A replica's WAL receiver paused for a few seconds, then resumed.
cluster: { replication: asynchronous }
steps:
  - wait_for: healthy
  - fault: { action: pause-replication, target: replica, id: stall }
  - sleep: 3s
  - heal: all
  - wait_for: { condition: converged, timeout: 120s }
sla:
  lost_writes: "== 0"
`, '8600');
    expect(code, stderr.slice(-2000)).toBe(0);
    const fault = report['metrics'].faults[0];
    expect(fault.effect).toMatch(/^patroni\d received WAL position stalled at [0-9A-F]+\/[0-9A-F]+ for 2\.0 s while patroni\d flushed [0-9A-F]+\/[0-9A-F]+$/);
    expect(report['verdict']).toBe('pass');
  });
});
