import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesOfRun } from '../cluster/local/run-record.js';
import { runRoot } from '../cluster/run-root.js';
import { runCli } from '../test-support/cli.js';
import { etcdKeyHistory, readEvidence } from '../test-support/independent.js';

/**
 * kill-primary's figures held against sources the harness did not produce:
 * each member's log (Patroni's lines and PostgreSQL's, which share the file),
 * the timeline history file in the new primary's pg_wal, and etcd's revision
 * history of the leader key (all kept by --keep-cluster).
 *
 * Clocks: the harness stamps events with performance.timeOrigin +
 * performance.now() (epoch ms, monotonic over a ~1 min run: NTP slewing
 * moves it by well under 1 ms against the wall clock), Patroni with the local
 * wall clock to the millisecond, PostgreSQL with the wall clock and its zone.
 * Same machine, so no skew between them beyond those few ms.
 *
 * Tolerances: each is an upper bound on what can legitimately separate the
 * two sources, not a fudge factor. A wrong figure (detection taken from the
 * wrong event, a clock mix-up, a promotion of the wrong member) is off by
 * seconds or by the loop_wait of 5 s, far beyond them.
 */
/** The DCS and member observers poll every 100 ms; a figure is the send time of the first poll that saw the change. */
const POLL_MS = 100;
/**
 * How late a 100 ms tick can fire on this 2-core machine with 4 writers and
 * 4 observers in the same event loop: a Ticker also skips a tick while its
 * previous poll is outstanding (observed polls took up to ~80 ms).
 */
const JITTER_MS = 100;
/**
 * Patroni's reaction from the leader key vanishing to logging "promoted self
 * to leader by acquiring session lock": its etcd watch wakes the HA loop,
 * which asks every other member's REST API (a SIGKILLed member refuses at
 * once), takes the key, re-reads the cluster and writes the sync state.
 * 137-149 ms in our runs; 500 ms bounds it without reaching loop_wait (5 s),
 * which is what a missed watch would cost.
 */
const PATRONI_REACTION_MS = 500;
/** etcd 3.4's lessor looks for expired leases every 500 ms, then revokes them through raft. */
const LEASE_REVOKE_MS = 500;
/**
 * Patroni renews the key, then logs the cycle's outcome ("the leader with the
 * lock"), so the lease can have started somewhat before the last logged line.
 */
const RENEW_TO_LOG_MS = 1000;
/**
 * A member probe is stamped when it is sent; its pg_is_in_recovery() runs
 * within the probe's duration (observed up to ~80 ms under this load).
 */
const PROBE_DURATION_MS = 100;

const PORT_BASE = 8700; // unused by the other itests (7000-8400, 8600/8690)

describe('kill-primary cross-checked against Patroni, PostgreSQL and etcd', () => {
  it('detection, promotion, new leader and timeline agree with the components\' own records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-xcheck-'));
    const r = await runCli(['run', 'scenarios/kill-primary.yaml', '--report-dir', dir, '--port-base', String(PORT_BASE), '--keep-cluster']);
    const reportFolder = join(dir, readdirSync(dir)[0] ?? '');
    const report = JSON.parse(readFileSync(join(reportFolder, 'report.json'), 'utf8'));
    const runDir = join(runRoot(), String(report.run_id));
    try {
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      expect(existsSync(join(runDir, 'etcd1')), 'the run folder was kept').toBe(true);
      expect(processesOfRun(runDir)).toEqual([]);
      const fault = report.metrics.faults[0];
      const ttlMs = report.cluster.ttl * 1000;
      const detectedAt: number = fault.injected_at + fault.detection_ms;
      const promotedAt: number = detectedAt + fault.promotion_ms;
      const evidence = readEvidence(reportFolder, runDir, fault.injected_at);
      const of = (member: string) => {
        const e = evidence.find((m) => m.member === member);
        if (!e) throw new Error(`no log of ${member}`);
        return e;
      };
      const figures: string[] = [];

      // (a) The new leader is the one member whose Patroni says it took the lock and promoted after the
      // fault, and whose PostgreSQL selected a new timeline; the old leader is the one that last said it held the lock.
      expect(evidence.filter((m) => m.patroniPromotion).map((m) => m.member)).toEqual([fault.new_leader]);
      expect(evidence.filter((m) => m.postgresPromotion).map((m) => m.member)).toEqual([fault.new_leader]);
      const holders = evidence.filter((m) => m.lastLeaderLine !== undefined).sort((a, b) => (a.lastLeaderLine ?? 0) - (b.lastLeaderLine ?? 0));
      expect(holders.at(-1)?.member).toBe(fault.old_leader);
      const newLeader = of(fault.new_leader);
      const lockAt = newLeader.patroniPromotion?.t as number;
      const pg = newLeader.postgresPromotion;
      if (!pg) throw new Error('no promotion in the new leader\'s PostgreSQL log');

      // (b) Detection (the leader key gone or changed). The key was gone at the latest when the new leader took
      // it, which is before Patroni logged its promotion; the observer sees that within a poll.
      expect(detectedAt).toBeLessThanOrEqual(lockAt + POLL_MS + JITTER_MS);
      // Nor long before: Patroni reacts to the key vanishing within one HA cycle.
      expect(detectedAt).toBeGreaterThanOrEqual(lockAt - PATRONI_REACTION_MS);
      // And the key vanished by lease expiry: after the old leader's last renewal + ttl, and no later than
      // ttl after the kill (a dead Patroni renews nothing) plus etcd's revocation delay.
      const renewedAt = of(fault.old_leader).lastLeaderLine as number;
      expect(detectedAt).toBeGreaterThanOrEqual(renewedAt + ttlMs - RENEW_TO_LOG_MS);
      expect(detectedAt).toBeLessThanOrEqual(fault.injected_at + ttlMs + LEASE_REVOKE_MS + POLL_MS + JITTER_MS);
      figures.push(
        `detection ${(detectedAt - lockAt).toFixed(0)} ms from Patroni's promotion line, ` +
          `${(detectedAt - (fault.injected_at + ttlMs)).toFixed(0)} ms after kill + ttl, ${(detectedAt - (renewedAt + ttlMs)).toFixed(0)} ms after last logged renewal + ttl`,
      );

      // (c) Promotion (first probe with pg_is_in_recovery() false). PostgreSQL leaves recovery after
      // "archive recovery complete" (after "selected new timeline ID") and before the postmaster logs
      // "ready to accept connections".
      const leftRecoveryNotBefore = pg.recoveryCompleteAt ?? pg.timelineSelectedAt;
      expect(promotedAt).toBeGreaterThanOrEqual(leftRecoveryNotBefore - PROBE_DURATION_MS);
      expect(pg.readyAt).toBeDefined();
      expect(promotedAt).toBeLessThanOrEqual((pg.readyAt as number) + POLL_MS + JITTER_MS);
      figures.push(
        `promotion ${(promotedAt - pg.timelineSelectedAt).toFixed(0)} ms after "selected new timeline", ` +
          `${(promotedAt - leftRecoveryNotBefore).toFixed(0)} ms after "archive recovery complete", ${(promotedAt - (pg.readyAt as number)).toFixed(0)} ms after "ready to accept connections"`,
      );

      // (d) The timeline: the history file of the timeline PostgreSQL selected is in the new leader's pg_wal
      // and branches off the timeline the pre-fault writes were acknowledged on; every write acknowledged
      // after the fault carries the new one.
      const history = readFileSync(join(reportFolder, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const okWrites = history.filter((e) => e.kind === 'write' && e.outcome === 'ok');
      const before = okWrites.filter((w) => w.start < fault.injected_at);
      const after = okWrites.filter((w) => w.start >= fault.injected_at);
      expect(after.length).toBeGreaterThan(100);
      expect(new Set(after.map((w) => w.timeline))).toEqual(new Set([pg.newTimeline]));
      expect(new Set(after.map((w) => w.node))).toEqual(new Set([fault.new_leader]));
      const branch = newLeader.history?.at(-1);
      if (!branch) throw new Error(`no ${pg.newTimeline} history file in ${fault.new_leader}'s pg_wal`);
      expect(new Set(before.map((w) => w.timeline))).toEqual(new Set([branch.parent]));
      // The new leader had received (at least) everything up to the switch point when it last reported as a replica.
      const lastAsReplica = history
        .filter((e) => e.kind === 'probe' && e.member === fault.new_leader && e.inRecovery === true && e.walPosition !== undefined)
        .filter((e) => e.t >= fault.injected_at && e.t < promotedAt)
        .at(-1);
      expect(lastAsReplica?.walPosition).toBeGreaterThanOrEqual(branch.switchPoint);
      figures.push(`timeline ${pg.newTimeline} from ${branch.parent} at ${branch.switchLsn}; new leader last reported ${(lastAsReplica.walPosition - branch.switchPoint)} bytes past it`);

      // (e) etcd's own revision history of the leader key: the old leader's key (the revision the
      // observer last read before the fault) was deleted (lease expired), and the next put is the new
      // leader's, at the revision the observer read after detection; nobody held it in between.
      const dcs = history.filter((e) => e.kind === 'dcs');
      const oldRev = dcs.filter((e) => e.t < fault.injected_at && e.leader === fault.old_leader).at(-1)?.revision;
      const newRev = dcs.find((e) => e.t >= detectedAt && e.leader === fault.new_leader)?.revision;
      const scope = /^scope: (\S+)$/m.exec(readFileSync(join(runDir, fault.new_leader, 'patroni.yml'), 'utf8'))?.[1];
      const changes = await etcdKeyHistory(join(runDir, 'etcd1'), `/service/${scope}/leader`, join(runDir, 'forensic-etcd'), PORT_BASE + 95, PORT_BASE + 96);
      const from = changes.findIndex((c) => c.revision === oldRev);
      expect(changes[from], JSON.stringify(changes)).toEqual({ revision: oldRev, value: fault.old_leader });
      expect(changes.slice(from + 1, from + 3)).toEqual([{ revision: expect.any(Number), value: null }, { revision: newRev, value: fault.new_leader }]);
      figures.push(`leader key: ${fault.old_leader}@${oldRev} -> deleted@${changes[from + 1]?.revision} -> ${fault.new_leader}@${newRev}`);

      process.stderr.write(`cross-check ${report.run_id}: ${figures.join('; ')}\n`);
      expect(processesOfRun(runDir)).toEqual([]);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
    expect(existsSync(runDir)).toBe(false);
    expect(processesOfRun(runDir)).toEqual([]);
  });
});
