/**
 * A runbook drill on the docker provider through the CLI: the exec step runs
 * the operator's command in the right container, the harness times the
 * recovery, and what it reports is checked against Patroni's own logs. The
 * runbook's command as 001 writes it fails on this Patroni, and the drill
 * must say so (exit 1, the step named), not pass.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildImages } from '../cluster/docker/images.js';
import { leftovers } from '../cluster/docker/sweep.js';
import type { StepEvent, WriteEvent } from '../history/events.js';
import type { ReportJson } from '../report/json.js';
import { runCli } from '../test-support/cli.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'pc-drill-'));
const reportOf = (dir: string): { dir: string; json: ReportJson } => {
  const sub = execFileSync('find', [dir, '-name', 'report.json'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
  return { dir: join(sub, '..'), json: JSON.parse(readFileSync(sub, 'utf8')) };
};
const historyOf = (dir: string) => readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { kind: string });

describe('a runbook drill on docker', () => {
  beforeAll(async () => {
    await buildImages({ release: 'bookworm' });
  }, 600_000);

  it('runs patronictl failover in the sync standby\'s container; the candidate\'s Patroni log confirms the promotion the report times', async () => {
    const dir = freshDir();
    const r = await runCli(['run', '--provider', 'docker', 'scenarios/drills/manual-failover.yaml', '--report-dir', dir]);
    const { dir: reportDir, json } = reportOf(dir);
    expect(json.error).toBeNull();
    const events = historyOf(reportDir);
    const exec = events.find((e): e is StepEvent => e.kind === 'step' && (e as StepEvent).type === 'exec' && (e as StepEvent).phase === 'end');
    if (exec === undefined) throw new Error('no exec step in the history');
    expect(exec.ok).toBe(true);
    expect(exec.detail).toMatch(/^patroni\d: exit 0 .*Successfully failed over/);
    const candidate = exec.resolved?.[0] ?? '';
    expect(candidate).toMatch(/^patroni\d$/);
    // Independent sources: the candidate's own log, and the old leader's, which received the request naming it.
    const logs = (m: string) => readFileSync(join(reportDir, 'logs', `${m}.log`), 'utf8');
    expect(logs(candidate)).toMatch(/promoted self to leader/);
    const others = ['patroni1', 'patroni2', 'patroni3'].filter((m) => m !== candidate);
    expect(others.some((m) => new RegExp(`received failover request with leader=\\S+ candidate=${candidate}`).test(logs(m)))).toBe(true);
    // Every write acknowledged after the command returned was the candidate's.
    const after = events.filter((e): e is WriteEvent => e.kind === 'write' && (e as WriteEvent).outcome === 'ok' && (e as WriteEvent).start > exec.t);
    expect(after.length).toBeGreaterThan(100);
    expect(new Set(after.map((w) => w.node))).toEqual(new Set([candidate]));
    const recovery = json.metrics.recovery_ms;
    if (recovery === null || recovery === undefined) throw new Error('recovery_ms not measured');
    expect(recovery).toBeGreaterThan(exec.t - (events.find((e): e is StepEvent => e.kind === 'step' && (e as StepEvent).type === 'exec')?.t ?? 0));
    expect(recovery).toBeLessThan(120_000);
    expect(r.code).toBe(json.verdict === 'pass' ? 0 : 1);
    expect(await leftovers(json.run_id)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 600_000);

  it('fails the drill, naming the step, when the runbook\'s command as 001 writes it does not work (no candidate)', async () => {
    const dir = freshDir();
    const text = readFileSync('scenarios/drills/manual-failover.yaml', 'utf8')
      .replace('patronictl failover {scope} --candidate {member} --force', 'patronictl failover {scope} --force')
      .replace(/  - wait_for: \{ condition: new-leader, timeout: 60s \}\n/, '');
    const file = join(dir, 'runbook-verbatim.yaml');
    writeFileSync(file, text);
    const r = await runCli(['run', '--provider', 'docker', file, '--report-dir', join(dir, 'out')]);
    const { dir: reportDir, json } = reportOf(join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(json.metrics.failed_steps).toBe(1);
    expect(readFileSync(join(reportDir, 'report.md'), 'utf8')).toMatch(/exit 1, expected 0: .*Error: Failover could be performed only to a specific candidate/);
    // Nothing happened to the cluster: no member logged a failover request.
    for (const m of ['patroni1', 'patroni2', 'patroni3']) expect(readFileSync(join(reportDir, 'logs', `${m}.log`), 'utf8')).not.toMatch(/received failover request/);
    expect(await leftovers(json.run_id)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 600_000);
});
