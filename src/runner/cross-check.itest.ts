import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesOfRun } from '../cluster/local/run-record.js';
import { runCli } from '../test-support/cli.js';
import { lastRenewal, parseLog, promotionIn } from '../test-support/independent.js';

/**
 * The harness's own figures for a primary crash, held against what the
 * components say independently: Patroni's log (lock taken, key renewed),
 * PostgreSQL's (new timeline, ready as a primary). Tolerances, each an
 * upper bound on what can legitimately separate the two sources:
 * - the observers poll every 100 ms, and a read takes a few ms;
 * - etcd expires leases lazily, up to 500 ms after their TTL;
 * - Patroni logs a renewal just after it made it, and logs at ms resolution.
 */
const POLL_SLACK_MS = 300;
const EXPIRY_SLACK_MS = 1000;
const PROBE_SLACK_MS = 500;

describe('kill-primary cross-checked against Patroni\'s and PostgreSQL\'s own logs', () => {
  it('detects, promotes and re-routes where the components say it happened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-xcheck-'));
    const r = await runCli(['run', 'scenarios/kill-primary.yaml', '--report-dir', dir, '--port-base', '8600']);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const runDir = join(dir, readdirSync(dir)[0] ?? '');
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8'));
    const fault = report.metrics.faults[0];
    const log = (member: string) => parseLog(readFileSync(join(runDir, 'logs', `${member}.log`), 'utf8'));
    const members = ['patroni1', 'patroni2', 'patroni3'];

    // (a) The member the harness names as new leader is the one whose Patroni took the lock, and the only one.
    const promoted = members.filter((m) => promotionIn(log(m), fault.injected_at) !== undefined);
    expect(promoted).toEqual([fault.new_leader]);
    const evidence = promotionIn(log(fault.new_leader), fault.injected_at);
    if (evidence === undefined) throw new Error('no promotion in the new leader\'s log');

    // (b) Detection (leader key gone or changed): not before the old leader's key could expire, not after the new leader took it.
    const detectedAt = fault.injected_at + fault.detection_ms;
    const renewed = lastRenewal(log(fault.old_leader), fault.injected_at);
    expect(renewed).toBeDefined();
    const expiry = (renewed ?? 0) + report.cluster.ttl * 1000;
    expect(detectedAt).toBeGreaterThanOrEqual(expiry - EXPIRY_SLACK_MS);
    expect(detectedAt).toBeLessThanOrEqual(evidence.lockAcquired + POLL_SLACK_MS);

    // (c) Promotion (the new leader out of recovery): not before PostgreSQL changed timeline, soon after it accepted connections.
    const promotedAt = detectedAt + fault.promotion_ms;
    expect(promotedAt).toBeGreaterThanOrEqual(evidence.newTimelineAt - 50);
    expect(promotedAt).toBeLessThanOrEqual((evidence.readyAt ?? evidence.newTimelineAt) + PROBE_SLACK_MS);

    // (d) Every write the new leader acknowledged after its promotion carries the timeline PostgreSQL selected.
    const history = readFileSync(join(runDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const after = history.filter((e) => e.kind === 'write' && e.outcome === 'ok' && e.node === fault.new_leader && e.start > evidence.readyAt);
    expect(after.length).toBeGreaterThan(100);
    expect(new Set(after.map((w: { timeline: number }) => w.timeline))).toEqual(new Set([evidence.timeline]));

    process.stderr.write(`cross-check: detection ${Math.round(detectedAt - expiry)} ms after the key's expiry, ${Math.round(evidence.lockAcquired - detectedAt)} ms before the lock was taken; promotion ${Math.round(promotedAt - evidence.newTimelineAt)} ms after the new timeline, ${Math.round(promotedAt - (evidence.readyAt ?? NaN))} ms after ready\n`);
    expect(processesOfRun(`/tmp/patroni-chaos/${report.run_id}`)).toEqual([]);
  });
});
