import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_PARTS, FakeProvider, type FakeBehaviour } from '../cluster/fake/fake-cluster.js';
import { loadScenarioText } from '../scenario/load.js';
import type { Analysis } from '../checks/metrics.js';
import type { RunRecord } from '../report/types.js';
import { runScenario } from './run-scenario.js';
import type { HarnessParts, Lifecycle } from './parts.js';
import { ofKind, writesByEnd } from '../history/history.js';
import { runVerdict } from '../report/verdict.js';
import { toReportJson } from '../report/json.js';
import { toMarkdown } from '../report/markdown.js';

/** kill-primary in miniature: the fake's leader m1 dies and a replica must take over within 2 s. */
const KILL = `name: fake-kill
cluster: { replication: synchronous }
observe: { interval: 20ms }
steps:
  - wait_for: { condition: healthy, timeout: 1s }
  - sleep: 100ms
  - fault: { action: kill, target: m1 }
  - wait_for: { condition: new-leader, timeout: 1s }
  - wait_for: { condition: writable, timeout: 1s }
  - sleep: 100ms
  - heal: all
  - wait_for: { condition: converged, timeout: 1s }
sla:
  rto: "< 30s"
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(behaviour: FakeBehaviour, text = KILL): Promise<Analysis & { provider: FakeProvider; wall: RunRecord['wall'] }> {
  const scenario = loadScenarioText(text, 'fake.yaml');
  const provider = new FakeProvider(scenario.cluster.replication, behaviour);
  const record = await runScenario(scenario, {
    provider: () => provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500,
    dir: dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string,
  });
  expect(record.harnessError).toBeUndefined();
  // The wall-time parts add up to the run's duration.
  const w = record.wall;
  expect(w).toBeDefined();
  expect((w?.start_ms ?? 0) + (w?.scenario_ms ?? 0) + (w?.convergence_ms ?? 0) + (w?.teardown_ms ?? 0)).toBe(record.endedAt - record.startedAt);
  return { ...record.analysis, provider, wall: w };
}

const line = (a: Analysis, metric: string) => a.sla.find((l) => l.metric === metric);

describe('the runner on the in-memory fake provider', () => {
  it('passes a clean failover, measuring the RTO and the promises judged in every run', async () => {
    const a = await run({ failoverAfterMs: 150 });
    expect(a.verdict).toBe('pass');
    expect(a.metrics.rto_ms).toBeGreaterThan(100);
    expect(a.metrics.rto_ms).toBeLessThan(1000);
    expect(a.metrics.faults[0]).toMatchObject({ old_leader: 'm1', new_leader: 'm2', leader_changes: 1, effect: 'm1: patroni pid 1000 and postgres pid 1000 gone' });
    expect(a.metrics).toMatchObject({ lost_writes: 0, failed_steps: 0, max_concurrent_primaries: 1, unexpected_writes: 0, leader_changes: 1 });
    expect(a.metrics.convergence_ms).not.toBeNull();
    expect(a.sla.map((l) => l.metric)).toEqual(['rto_ms', 'max_concurrent_primaries', 'lost_writes', 'convergence_ms', 'unexpected_writes', 'failed_steps']);
    // Steps: sleep 100 ms, the failover (150 ms), a converged wait; then the final convergence.
    expect(a.wall?.scenario_ms).toBeGreaterThan(250);
    expect(a.wall?.convergence_ms).toBeDefined();
    expect(a.wall?.teardown_ms).toBeGreaterThanOrEqual(0);
  });

  it('fails when the failover the scenario waits for never comes: a fault that did nothing (issue 11, case 2)', async () => {
    const a = await run({ failoverAfterMs: null });
    expect(a.verdict).toBe('fail');
    expect(line(a, 'failed_steps')).toMatchObject({ status: 'fail', note: expect.stringContaining('steps[3] wait_for new-leader') });
  });

  it('does not take the first read of the leader key for a new leader when the fault comes right after start', async () => {
    // Found by the integration test: with no read of the key before the fault, new-leader held at once.
    const a = await run({ failoverAfterMs: null }, KILL.replace('  - sleep: 100ms\n  - fault', '  - fault'));
    expect(line(a, 'failed_steps')).toMatchObject({ status: 'fail', note: expect.stringContaining('wait_for new-leader') });
    expect(a.verdict).toBe('fail');
  });

  it('waits for the new leader\'s ack after new-leader: the old primary still acknowledging does not make the cluster writable (issue 19)', async () => {
    const scenario = loadScenarioText(KILL, 'fake.yaml');
    const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 100, staleAcksMs: 400 });
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    const record = await runScenario(scenario, { provider: () => provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500, dir });
    const writable = ofKind(record.events, 'step').find((s) => s.phase === 'end' && s.step.startsWith('wait_for writable'));
    const acks = [...writesByEnd(record.events)].filter((w) => w.outcome === 'ok');
    const firstByNew = acks.find((w) => w.node === 'm2');
    const inject = ofKind(record.events, 'fault')[0];
    // The old leader did acknowledge after the new one took the key, and after the writable step began.
    const stepStart = ofKind(record.events, 'step').find((s) => s.phase === 'start' && s.step.startsWith('wait_for writable'));
    expect(acks.some((w) => w.node === 'm1' && w.start >= (stepStart?.t ?? Infinity))).toBe(true);
    expect(writable).toMatchObject({ ok: true });
    // Its writes are recorded as they return, with an end 1 ms on: the start is what the wait saw.
    expect(writable?.t).toBeGreaterThanOrEqual(firstByNew?.start ?? Infinity);
    // The RTO runs to the new leader's first ack, not to the stale ones.
    expect(record.analysis.metrics.faults[0]?.rto_ms).toBeGreaterThanOrEqual((firstByNew?.end ?? Infinity) - (inject?.t ?? 0));
  });

  it('fails when a heal fails, naming it, and the cluster then cannot converge', async () => {
    const a = await run({ failoverAfterMs: 100, restartFails: true });
    expect(a.verdict).toBe('fail');
    expect(line(a, 'failed_steps')?.note).toContain('heal of kill-2 (kill on m1) failed: m1: patroni did not come back');
    expect(line(a, 'convergence_ms')).toMatchObject({ status: 'fail', observed: null });
  });

  it('fails when the row sets differ after the workload stopped, though the scenario\'s own wait saw convergence (issue 11, case 1)', async () => {
    const a = await run({ failoverAfterMs: 100, divergesAfterRestart: 'm1' });
    expect(a.checks.find((c) => c.name === 'convergence')?.error).toContain('row sets differ');
    expect(line(a, 'convergence_ms')).toMatchObject({ status: 'fail' });
    expect(a.verdict).toBe('fail');
  });

  it('never reads the final state from an arbitrary member when there is no leader: unknown, and the run fails (issue 11, case 1)', async () => {
    const a = await run({ failoverAfterMs: 100, leaderlessAfterHeal: true });
    expect(a.checks.find((c) => c.name === 'set')?.valid).toBe('unknown');
    expect(a.metrics.lost_writes).toBeNull();
    expect(a.verdict).toBe('fail');
  });

  it('fails on a key that no write attempted, and junit agrees through the same line (issue 11, case 6)', async () => {
    const a = await run({ failoverAfterMs: 100, phantomKey: 9_999_999 });
    expect(line(a, 'unexpected_writes')).toMatchObject({ status: 'fail', observed: 1 });
    expect(a.verdict).toBe('fail');
  });

  it('does not pass when a member was never observed (issue 11, case 5)', async () => {
    const a = await run({ failoverAfterMs: 100, unobservable: 'm3' });
    expect(a.checks.find((c) => c.name === 'split-brain')?.valid).toBe('unknown');
    expect(a.verdict).toBe('error');
  });

  it('names a target that could not be resolved as the fault\'s failure, recorded in the history, not an anonymous internal error', async () => {
    // No member's REST answers: a role target cannot be resolved.
    const scenario = loadScenarioText(KILL.replace('target: m1', 'target: primary'), 'fake.yaml');
    const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150, restUnanswered: true });
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    const record = await runScenario(scenario, { provider: () => provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500, dir });
    expect(record.harnessError?.code).toBe('FAULT_FAILED');
    expect(record.harnessError?.message).toMatch(/^fault kill on primary failed: could not resolve target primary: /);
    expect(runVerdict(record)).toBe('error');
  });

  it('fails with a harness error when a network fault is not seen to act: a cut that drops nothing (issue 19)', async () => {
    const scenario = loadScenarioText(KILL.replace('action: kill, target: m1', 'action: partition-dcs, target: m1'), 'fake.yaml');
    const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150, cutsDropNothing: true });
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    const record = await runScenario(scenario, { provider: () => provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500, dir });
    expect(record.harnessError?.code).toBe('FAULT_FAILED');
    expect(record.harnessError?.message).toBe('fault partition-dcs on m1 failed: no proof that partition_dcs acted: m1 -> etcd with the cut in: answered in 1 ms');
    expect(runVerdict(record)).toBe('error');
    expect(provider.cluster?.dropped.size).toBe(0);
  });

  it('times a network fault from its cut, not from the probes that preceded it (RTO runs from the fault event\'s t)', async () => {
    const scenario = loadScenarioText(KILL.replace('action: kill, target: m1', 'action: partition-dcs, target: m1'), 'fake.yaml');
    const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150, cutProbeMs: 300 });
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    const record = await runScenario(scenario, { provider: () => provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500, dir });
    const step = ofKind(record.events, 'step').find((e) => e.phase === 'start' && e.type === 'fault');
    const inject = ofKind(record.events, 'fault').find((e) => e.phase === 'inject');
    expect(inject?.error).toBeUndefined();
    // The cut takes the fake's 300 ms probe; libuv times that from its cached loop time, so the
    // history's clock can see up to a few ms less under load (299.8 ms seen twice): 250 still tells
    // a fault timed from its cut from one timed from the step's start (about 0).
    expect((inject?.t ?? 0) - (step?.t ?? 0)).toBeGreaterThanOrEqual(250);
    expect(inject?.end).toBeGreaterThanOrEqual(inject?.t ?? Infinity);
  });

  it('does not pass a run whose pause-replication found nothing to pause: a harness error, recorded on the fault (issue 19)', async () => {
    const text = KILL.replace('action: kill, target: m1', 'action: pause-replication, target: m2, id: stall').replace('  - wait_for: { condition: new-leader, timeout: 1s }\n', '');
    const scenario = loadScenarioText(text, 'fake.yaml');
    const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150, noReplicationProcess: 'm2' });
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    const record = await runScenario(scenario, { provider: () => provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500, dir });
    expect(record.harnessError).toMatchObject({ code: 'FAULT_FAILED', message: 'fault pause-replication on m2 failed: m2 has no WAL sender or receiver process: SIGSTOP would pause nothing' });
    expect(ofKind(record.events, 'fault')).toMatchObject([{ phase: 'inject', id: 'stall', error: expect.stringContaining('would pause nothing') }]);
    expect(runVerdict(record)).toBe('error');
  });

  /** A soak in miniature: the fake's leader killed again and again, each time healed and recovered from. */
  const SOAK = `name: fake-soak
cluster: { replication: synchronous }
observe: { interval: 20ms }
steps:
  - wait_for: { condition: healthy, timeout: 1s }
  - nemesis:
      seed: 7
      duration: 2s
      interval: 100ms
      hold: 300ms
      recover_timeout: 1s
      faults:
        - { action: kill, target: m1 }
        - { action: kill, target: m2 }
  - wait_for: { condition: converged, timeout: 1s }
sla:
  rto: "< 30s"
`;

  it('judges a fault that must not move the leader (leader_changes == 0): a replica killed passes, the primary killed fails', async () => {
    const guard = (target: string) => KILL.replace('target: m1', `target: ${target}`).replace(/  - wait_for: \{ condition: new-leader.*\n/, '')
      .replace('sla:\n  rto: "< 30s"\n', 'sla:\n  leader_changes: { threshold: "== 0", source: a replica crash moves no leader }\n');
    const replica = await run({ failoverAfterMs: 150 }, guard('m3'));
    expect(line(replica, 'leader_changes')).toMatchObject({ observed: 0, status: 'pass' });
    expect(replica.metrics.faults[0]?.leader_changes).toBe(0);
    expect(replica.verdict).toBe('pass');
    const primary = await run({ failoverAfterMs: 150 }, guard('m1'));
    expect(line(primary, 'leader_changes')).toMatchObject({ observed: 1, status: 'fail' });
    expect(primary.verdict).toBe('fail');
  });

  it('runs a nemesis: several faults drawn from the seed, each healed and recovered from before the next, judged as one run', async () => {
    const a = await run({ failoverAfterMs: 100 }, SOAK);
    expect(a.metrics.faults.length).toBeGreaterThanOrEqual(3);
    expect(a.metrics.faults.map((f) => f.fault_id)).toEqual(a.metrics.faults.map((_f, n) => `nemesis-1-${n}`));
    // The same seed draws the same faults again: the order of actions is the seed's.
    const again = await run({ failoverAfterMs: 100 }, SOAK);
    const targets = (x: Analysis) => x.metrics.faults.map((f) => f.old_leader === null ? 'none' : f.new_leader === null ? 'no failover' : 'failover');
    expect(targets(again).slice(0, 3)).toEqual(targets(a).slice(0, 3));
    // Every change of the run falls in some fault's window (none before the first), each failover's at least once.
    expect(a.metrics.leader_changes).toBe(a.metrics.faults.reduce((n, f) => n + (f.leader_changes ?? NaN), 0));
    for (const f of a.metrics.faults) expect(f.leader_changes ?? 0).toBeGreaterThanOrEqual(f.new_leader !== null && f.new_leader !== f.old_leader ? 1 : 0);
    expect(a.metrics.failed_steps).toBe(0);
    expect(a.verdict).toBe('pass');
  });

  it('stops a nemesis whose cluster does not recover, and fails the run on it rather than faulting a broken cluster again', async () => {
    const a = await run({ failoverAfterMs: null, restartFails: true }, SOAK);
    // The first cure fails, the cluster stays short of a member: nothing is injected after it.
    expect(a.metrics.faults.map((f) => f.fault_id)).toEqual(['nemesis-1-0']);
    expect(line(a, 'failed_steps')?.observed).toBeGreaterThanOrEqual(1);
    expect(a.verdict).toBe('fail');
  });

  it('fails a run whose cluster never recovers from the fault: no RTO, no convergence', async () => {
    const a = await run({ failoverAfterMs: null }, KILL.replace('  - heal: all\n', ''));
    // The runner still heals at the end (m1 restarts and leads again), so it converges; but the
    // scenario's waits timed out and the first fault had no acknowledged write until the heal.
    expect(line(a, 'failed_steps')?.observed).toBeGreaterThanOrEqual(2);
    expect(a.verdict).toBe('fail');
  });

  /** The runbook's manual failover in miniature: an operator's command in m2's container makes it the leader. */
  const DRILL = `name: fake-drill
cluster: { replication: synchronous }
observe: { interval: 20ms }
steps:
  - wait_for: { condition: healthy, timeout: 1s }
  - sleep: 100ms
  - exec: { on: m2, command: "patronictl failover {scope} --candidate {member} --force # leader was {leader}" }
  - wait_for: { condition: writable, timeout: 1s }
  - wait_for: { condition: converged, timeout: 1s }
sla:
  recovery: "< 5m"
`;

  it('runs an exec step in the named container with its placeholders filled, and times the drill\'s recovery', async () => {
    const a = await run({ failoverAfterMs: 100 }, DRILL);
    // Under coreutils' timeout inside the container, so that a hung command ends there too.
    expect(a.provider.cluster?.commands).toEqual([['m2', ['timeout', '-k', '5', '120', 'sh', '-c', 'patronictl failover fake --candidate m2 --force # leader was m1']]]);
    expect(a.provider.cluster?.leader).toBe('m2');
    expect(a.metrics.failed_steps).toBe(0);
    expect(a.metrics.recovery_ms).toBeGreaterThan(0);
    expect(a.metrics.recovery_ms).toBeLessThan(5000);
    expect(line(a, 'recovery_ms')).toMatchObject({ status: 'pass', threshold: '< 5m' });
    expect(a.verdict).toBe('pass');
  });

  it('fails the drill when the operator\'s command does not exit as the step expects, naming the container and the exit code', async () => {
    const a = await run({ failoverAfterMs: 100 }, DRILL.replace('--force # leader was {leader}', '--force; exit 3'));
    expect(a.metrics.failed_steps).toBe(1);
    expect(line(a, 'failed_steps')?.note).toMatch(/exec on m2: .*m2: exit 3, expected 0/);
    expect(a.verdict).toBe('fail');
    // The same command is right when the step expects that code.
    const expected = await run({ failoverAfterMs: 100 }, DRILL.replace('--force # leader was {leader}" }', '--force; exit 3", expect_exit: 3 }'));
    expect(expected.metrics.failed_steps).toBe(0);
  });

  it('stops a member gracefully and keeps it down until healed (shutdown: docker stop, then docker start)', async () => {
    const text = KILL.replace('action: kill, target: m1', 'action: shutdown, target: m1, id: stop-m1').replace('heal: all', 'heal: stop-m1').replace('rto: "< 30s"', 'rto: "< 30s"\n  recovery: "< 5m"');
    const a = await run({ failoverAfterMs: 150 }, text);
    expect(a.metrics.faults[0]).toMatchObject({ fault_id: 'stop-m1', old_leader: 'm1', new_leader: 'm2' });
    expect(a.provider.cluster?.node('m1').up).toBe(true);
    expect(a.metrics.recovery_ms).toBeGreaterThan(a.metrics.rto_ms ?? Infinity);
    expect(a.verdict).toBe('pass');
  });

  it('does not take the leader before an operator\'s command for a new one: a failover that did nothing times out new-leader', async () => {
    const a = await run({ failoverAfterMs: 100 }, DRILL.replace('patronictl failover {scope} --candidate {member} --force # leader was {leader}', 'patronictl list').replace('  - wait_for: { condition: writable, timeout: 1s }', '  - wait_for: { condition: new-leader, timeout: 500ms }\n  - wait_for: { condition: writable, timeout: 1s }'));
    expect(a.provider.cluster?.leader).toBe('m1');
    expect(a.metrics.failed_steps).toBe(1);
    expect(line(a, 'failed_steps')?.note).toMatch(/wait_for new-leader.*m1 still holds the leader key/);
    expect(a.verdict).toBe('fail');
  });

  /** The runbook's replica reinit in miniature, and the etcd rebuild's proof: what the command must be seen to have done. */
  const REINIT = DRILL.replace('command: "patronictl failover {scope} --candidate {member} --force # leader was {leader}" }', 'command: "patronictl reinit {scope} {member} --force --wait", timeout: 1s, expect: { member_recreated: true, output_excludes: "Failed:" } }');

  it('passes a reinit drill whose member was seen re-created, saying so in the step', async () => {
    const a = await run({ failoverAfterMs: 100 }, REINIT);
    expect(a.provider.cluster?.node('m2').recreated).toBe(1);
    expect(a.metrics.failed_steps).toBe(0);
    expect(a.verdict).toBe('pass');
  });

  it('fails a reinit drill whose command printed Failed: and exited 0, as patronictl does on a 503 (issue 19)', async () => {
    const a = await run({ failoverAfterMs: 100, reinitRefused: true }, REINIT);
    expect(a.metrics.failed_steps).toBe(1);
    expect(line(a, 'failed_steps')?.note).toContain('m2: exit 0, but the output says "Failed: reinitialize for member m2, status code=503, (cluster doesn\'t have a leader)"');
    expect(a.verdict).toBe('fail');
    // Without the output check, the member not being re-created fails it on its own.
    const b = await run({ failoverAfterMs: 100, reinitRefused: true }, REINIT.replace(', output_excludes: "Failed:"', ''));
    expect(line(b, 'failed_steps')?.note).toMatch(/m2: exit 0, but m2 was not re-created: timed out .* its data directory is the one from before/);
    expect(b.verdict).toBe('fail');
  });

  const REBUILD = DRILL.replace('command: "patronictl failover {scope} --candidate {member} --force # leader was {leader}" }', 'command: "etcd-rebuild" }\n  - wait_for: { condition: etcd-new-cluster, timeout: 300ms }');

  it('passes an etcd rebuild whose cluster id stayed (the same peer URLs and token) once every member\'s store revision is below the one before the first step', async () => {
    const a = await run({ failoverAfterMs: 100 }, REBUILD);
    expect(a.metrics.failed_steps).toBe(0);
    expect(a.verdict).toBe('pass');
  });

  it('passes an etcd rebuild that reports a new cluster id (another token)', async () => {
    const a = await run({ failoverAfterMs: 100, etcdRebuildNewToken: true }, REBUILD);
    expect(a.metrics.failed_steps).toBe(0);
    expect(a.verdict).toBe('pass');
  });

  it('fails an etcd rebuild whose cluster id did not change: the old cluster came back (issue 19)', async () => {
    const a = await run({ failoverAfterMs: 100, etcdRebuildKeepsCluster: true }, REBUILD);
    expect(line(a, 'failed_steps')?.note).toMatch(/wait_for etcd-new-cluster.*etcd1 \(revision 5000\), etcd2 \(revision 5000\), etcd3 \(revision 5000\) still on the store of the cluster cdf818194e3a8c32 from before the first step \(revision 5000 then\)/);
    expect(a.verdict).toBe('fail');
  });

  it('fails an etcd rebuild when the members answer without a cluster id: no id is no new cluster, and the old store came back', async () => {
    const scenario = loadScenarioText(REBUILD, 'fake.yaml');
    const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 100, etcdRebuildKeepsCluster: true });
    let reads = 0;
    const parts: HarnessParts = {
      ...FAKE_PARTS,
      // The read before the first step is whole; the later ones lack the header's cluster_id.
      etcdClusterIds: async (c) => (await FAKE_PARTS.etcdClusterIds(c)).map((s) => (reads++ < 3 ? s : { name: s.name, ...(s.revision === undefined ? {} : { revision: s.revision }) })),
    };
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    const record = await runScenario(scenario, { provider: () => provider, parts, iteration: 1, finalConvergeMs: 500, dir });
    expect(reads).toBeGreaterThan(3);
    expect(line(record.analysis, 'failed_steps')?.note).toMatch(/wait_for etcd-new-cluster.*etcd1, etcd2, etcd3 gave no cluster id/);
    expect(record.analysis.verdict).toBe('fail');
  });

  it('fails an exec step whose command never ran (its container paused), even one that expects exit 1', async () => {
    const frozen = DRILL.replace('  - exec: { on: m2, command: "patronictl failover {scope} --candidate {member} --force # leader was {leader}" }',
      '  - fault: { action: stop, target: m2 }\n  - exec: { on: m2, command: "patronictl list; exit 1", expect_exit: 1 }\n  - heal: all')
      .replace('  - wait_for: { condition: writable, timeout: 1s }\n', '');
    const a = await run({ failoverAfterMs: 100 }, frozen);
    expect(a.metrics.failed_steps).toBe(1);
    expect(line(a, 'failed_steps')?.note).toMatch(/exec on m2: .*m2: the command did not run \(the container is paused\): Error response from daemon: Container m2 is paused/);
    expect(a.verdict).toBe('fail');
    // The same step on a running member: exit 1 is the command's, and what it expects.
    const ran = await run({ failoverAfterMs: 100 }, frozen.replace('  - fault: { action: stop, target: m2 }\n', ''));
    expect(ran.metrics.failed_steps).toBe(0);
  });

  it('fails an exec step that runs past its timeout, whatever exit code it expects', async () => {
    const a = await run({ failoverAfterMs: 100 }, DRILL.replace('--force # leader was {leader}" }', '--force; hang", timeout: 1s, expect_exit: 124 }'));
    expect(a.metrics.failed_steps).toBe(1);
    expect(line(a, 'failed_steps')?.note).toMatch(/m2: did not finish within 1 s \(exit 124\)/);
    expect(a.verdict).toBe('fail');
  });
});

describe('runScenario when the leader key is never read', () => {
  it('gives up with a harness error and leaves no observer recording into the closed history', async () => {
    const scenario = loadScenarioText(KILL, 'fake.yaml');
    const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150 });
    let running = 0;
    const counted = (l: Lifecycle): Lifecycle => ({
      start: () => { running++; l.start(); },
      stop: async () => { running--; await l.stop(); },
    });
    const parts: HarnessParts = {
      ...FAKE_PARTS,
      // A DCS observer that never gets an answer.
      dcs: () => ({ leader: undefined, ...counted({ start: () => undefined, stop: async () => undefined }) }),
      observers: (c, spec, record) => FAKE_PARTS.observers(c, spec, record).map(counted),
    };
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    const record = await runScenario(scenario, { provider: () => provider, parts, iteration: 1, finalConvergeMs: 500, firstReadMs: 200, dir });
    expect(record.harnessError?.message).toMatch(/first read of the leader key/);
    expect(running).toBe(0);
    const probes = ofKind(record.events, 'probe').length;
    await new Promise((r) => setTimeout(r, 150));
    expect(ofKind(record.events, 'probe')).toHaveLength(probes);
  });
});

describe('the end of a run: the cluster is swept even when its stop throws', () => {
  it('sweeps the run after a stop whose log collection threw, and still reports that error', async () => {
    const scenario = loadScenarioText(KILL, 'fake.yaml');
    const fake = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150 });
    const calls: string[] = [];
    const provider = {
      name: 'fake',
      async start() {
        const c = await fake.start();
        const end = c.stop.bind(c);
        c.stop = async () => { calls.push('stop'); throw new RangeError('Maximum call stack size exceeded'); };
        c.sweep = async () => { calls.push('sweep'); await end(); };
        return c;
      },
    };
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    await expect(runScenario(scenario, { provider: () => provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500, dir })).rejects.toThrow('Maximum call stack size exceeded');
    expect(calls).toEqual(['stop', 'sweep']);
  });
});

describe('evidence: the runner searches the logs copied at stop, and the run may pass only when the set-up line is there', () => {
  const LINE = '2025-06-01 10:00:05,120 WARNING: Failed to rewind because primary m2 become unreachable';
  const withEvidence = `${KILL.replace('target: m1 }', 'target: m1, id: old-primary }')}evidence:
  - { log: patroni, on: old-primary, matches: 'Failed to rewind because primary \\S+ become unreachable', why: the rewind was cut with the leader lost }
`;
  async function evidenceRun(logs: Record<string, string>) {
    const files = tempLogs(logs);
    const scenario = loadScenarioText(withEvidence, 'fake.yaml');
    const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150, logFiles: files });
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    return runScenario(scenario, { provider: () => provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500, dir });
  }
  function tempLogs(logs: Record<string, string>): Record<string, string> {
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-logs-'))) - 1] as string;
    return Object.fromEntries(Object.entries(logs).map(([name, text]) => {
      writeFileSync(join(dir, `${name}-raw.log`), text);
      return [name, join(dir, `${name}-raw.log`)];
    }));
  }

  it('a run that holds every line but has no log at all is an error, not a pass', async () => {
    const record = await evidenceRun({});
    expect(record.analysis.sla.every((l) => l.status === 'pass')).toBe(true);
    expect(runVerdict(record)).toBe('error');
    expect(ofKind(record.events, 'evidence')).toMatchObject([{ index: 0, read: [], missing: ['m1', 'm2', 'm3'], seen: [] }]);
    expect(toReportJson(record).evidence).toMatchObject([{ on: 'old-primary', seen: false, looked_in: ['m1'], reason: 'no patroni log of m1 (old-primary) to search' }]);
  });

  it('the line in another member\'s log than the one the fault acted on is no proof', async () => {
    const record = await evidenceRun({ m1: 'INFO: nothing to see\n', m2: `${LINE}\n`, m3: '' });
    expect(runVerdict(record)).toBe('error');
    expect(record.analysis.checks.find((c) => c.name === 'evidence')?.error).toMatch(/^the set-up did not happen: the rewind was cut with the leader lost \(.*matched in the patroni log of m2 only, not of m1 \(old-primary\)\)$/);
  });

  it('passes with the line in the killed member\'s log, and report.json and report.md show it', async () => {
    const record = await evidenceRun({ m1: `INFO: starting\n${LINE}\n`, m2: '', m3: '' });
    expect(runVerdict(record)).toBe('pass');
    expect(toReportJson(record).evidence).toMatchObject([{ seen: true, source: 'm1', line: LINE, at: expect.stringMatching(/^2025-06-01T/) }]);
    expect(toMarkdown(record)).toContain('## Set-up evidence');
  });
});

describe('a role target moved between its resolution and the fault\'s act', () => {
  const KILL_PRIMARY = KILL.replace('target: m1', 'target: primary');

  /** The fake, with the leader key moved to m2 (a switchover completing) while the fault reads its PIDs: after resolution, before the act. */
  function movingProvider(scenario: ReturnType<typeof loadScenarioText>, move: boolean): { provider: () => FakeProvider; inner: FakeProvider } {
    const inner = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150 });
    const start = inner.start.bind(inner);
    inner.start = async () => {
      const c = await start();
      const pid = c.pid.bind(c);
      let moved = !move;
      c.pid = async (component, name) => {
        if (!moved) {
          moved = true;
          await c.execIn('m2', ['failover']);
        }
        return pid(component, name);
      };
      return c;
    };
    return { provider: () => inner, inner };
  }

  async function runMoving(move: boolean) {
    const scenario = loadScenarioText(KILL_PRIMARY, 'fake.yaml');
    const { provider, inner } = movingProvider(scenario, move);
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    return { record: await runScenario(scenario, { provider, parts: FAKE_PARTS, iteration: 1, finalConvergeMs: 500, dir }), inner };
  }

  it('fails the step, naming both holders, instead of recording a kill of the primary that reached a replica (today: a pass on the wrong role)', async () => {
    const { record, inner } = await runMoving(true);
    expect(record.harnessError?.code).toBe('FAULT_FAILED');
    expect(record.harnessError?.message).toBe('fault kill on m1 failed: target primary was m1 when resolved and m2 when the fault acted; the fault acted on a member without the role');
    expect(runVerdict(record)).toBe('error');
    const [inject, healed] = ofKind(record.events, 'fault');
    // Recorded as a failed injection, so no check measures an RTO or leader change for it, with what was read.
    expect(inject).toMatchObject({ phase: 'inject', target: 'primary', resolved: ['m1'], error: expect.stringContaining('acted on a member without the role'), roleAtAct: 'primary when the fault acted: m2; right after the act: m2' });
    expect(record.analysis.metrics.faults).toEqual([]);
    // It did act (m1 was killed): the runner's final heal cures it.
    expect(healed).toMatchObject({ phase: 'heal', id: inject?.id, detail: 'm1 restarted' });
    expect(inner.cluster?.node('m1').restarted).toBe(true);
    expect(ofKind(record.events, 'step').find((s) => s.phase === 'end' && s.type === 'fault')).toMatchObject({ ok: false });
  });

  /**
   * The fake, its roles unreadable for the two readings taken at the fault's act and right after
   * (the kill's PID read comes just before them): the resolution and the waits read as ever.
   */
  async function runBlind(behaviour: FakeBehaviour) {
    const scenario = loadScenarioText(KILL_PRIMARY, 'fake.yaml');
    const inner = new FakeProvider(scenario.cluster.replication, behaviour);
    let blind = 0;
    const start = inner.start.bind(inner);
    inner.start = async () => {
      const c = await start();
      const pid = c.pid.bind(c);
      c.pid = async (component, name) => {
        blind = 2;
        c.pid = pid;
        return pid(component, name);
      };
      return c;
    };
    const memberRoles: HarnessParts['memberRoles'] = async (c) => {
      if (blind > 0) {
        blind--;
        throw new Error('GET /cluster timed out');
      }
      return FAKE_PARTS.memberRoles(c);
    };
    const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-fake-'))) - 1] as string;
    return runScenario(scenario, { provider: () => inner, parts: { ...FAKE_PARTS, memberRoles }, iteration: 1, finalConvergeMs: 500, dir });
  }

  const UNREAD = 'step 3 (fault kill primary): whether m1 was the primary when the fault acted is unknown: primary could not be read at the act (when the fault acted: unread (GET /cluster timed out); right after the act: unread (GET /cluster timed out))';

  it('makes the run unknown, not a pass, when the role could not be read at the act, naming step, role and member in report.json and report.md (today: a pass)', async () => {
    const record = await runBlind({ failoverAfterMs: 150 });
    expect(record.harnessError).toBeUndefined();
    expect(ofKind(record.events, 'fault')[0]).toMatchObject({ phase: 'inject', target: 'primary', resolved: ['m1'], unknown: UNREAD });
    // Every other check held: the unknown alone keeps it from passing.
    expect(record.analysis.sla.every((l) => l.status === 'pass')).toBe(true);
    expect(record.analysis.checks.filter((c) => c.valid !== true).map((c) => c.name)).toEqual(['fault-evidence']);
    expect(record.analysis.verdict).toBe('error');
    expect(runVerdict(record)).toBe('error');
    expect(toReportJson(record).checks).toContainEqual({ name: 'fault-evidence', valid: 'unknown', error: UNREAD });
    expect(toMarkdown(record)).toContain(`check fault-evidence had no evidence (${UNREAD})`);
    // The step itself was done: no invented failure.
    expect(ofKind(record.events, 'step').find((s) => s.phase === 'end' && s.type === 'fault')).toMatchObject({ ok: true });
  });

  it('an unknown role at the act does not mask a failure: a failover that never comes still fails the run', async () => {
    const record = await runBlind({ failoverAfterMs: null });
    expect(ofKind(record.events, 'fault')[0]?.unknown).toBe(UNREAD);
    expect(record.analysis.sla.find((l) => l.metric === 'failed_steps')?.status).toBe('fail');
    expect(record.analysis.verdict).toBe('fail');
  });

  it('leaves a role target that kept its role as it was: the kill of the primary passes, with the reading recorded', async () => {
    const { record } = await runMoving(false);
    expect(record.harnessError).toBeUndefined();
    expect(record.analysis.verdict).toBe('pass');
    const inject = ofKind(record.events, 'fault')[0];
    expect(inject).toMatchObject({ target: 'primary', resolved: ['m1'], roleAtAct: 'primary when the fault acted: m1; right after the act: m1' });
    expect(inject?.error).toBeUndefined();
    expect(record.analysis.metrics.faults[0]).toMatchObject({ old_leader: 'm1', new_leader: 'm2' });
  });
});
