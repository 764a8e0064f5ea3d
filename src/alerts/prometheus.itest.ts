/**
 * A real Prometheus (and Alertmanager) from the machine's packages against
 * hand-written Patroni 3.0.2-like and etcd /metrics served by a small HTTP
 * server, with the documented rules as the harness renders them: the
 * leader goes away for longer than PostgresNoLeader's `for: 1m`, then
 * comes back. What the harness reads of it must say when the rule was
 * pending, fired and resolved, what the receiver got, and the alert lines
 * judged on it. No cluster is started. About 90 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeAlertLines } from '../checks/alert-lines.js';
import { now } from '../history/clock.js';
import type { HistoryEvent } from '../history/events.js';
import { loadScenarioText } from '../scenario/load.js';
import { PrometheusWatch } from './monitoring.js';
import { monitoringFiles } from './monitoring-setup.js';
import { evaluatedUntil, readApi } from './prometheus-read.js';
import { etcdMetrics, patroni302Metrics } from './test-support.js';
import { WebhookReceiver } from './webhook.js';

const SCOPE = 'pgchaos';
const HOST = '127.0.0.1';
const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function serve(body: () => string): Promise<string> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body()));
  await new Promise<void>((r) => server.listen(0, HOST, r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return `${HOST}:${(server.address() as AddressInfo).port}`;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, HOST, r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function start(command: string, args: string[], log: string): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  child.stderr?.on('data', (c: Buffer) => lines.push(c.toString('utf8')));
  cleanup.push(async () => {
    child.kill('SIGTERM');
    await sleep(200);
    writeFileSync(log, lines.join(''));
  });
  return child;
}

/** Polls Prometheus's rules until `name` is in `state` (Prometheus's word: inactive, pending, firing). */
async function untilState(url: string, name: string, state: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await readApi(url);
    const rule = r.groups.flatMap((g) => g.rules).find((x) => x.name === name) as { state?: string } | undefined;
    if (rule?.state === state) return now();
    if (Date.now() > deadline) throw new Error(`${name} not ${state} within ${timeoutMs} ms (it is ${rule?.state ?? 'not loaded'})`);
    await sleep(200);
  }
}

describe('the documented rules on a real Prometheus', () => {
  it('PostgresNoLeader goes pending, fires after its for: 1m, resolves; the receiver gets both; the lines are judged on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-prom-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    let leaderless = false;
    const patroni = await Promise.all([0, 1, 2].map((i) => serve(() => patroni302Metrics(SCOPE, i === 0 && !leaderless ? 'primary' : 'replica'))));
    const etcd = await Promise.all([0, 1, 2].map(() => serve(() => etcdMetrics(1))));
    const receiver = await WebhookReceiver.listen(HOST);
    cleanup.push(() => receiver.close());
    const [promPort, amPort] = [await freePort(), await freePort()];
    const rulesDir = join(dir, 'rules');
    const files = monitoringFiles({ scope: SCOPE, patroni, etcd, rulesDir, alertmanager: `${HOST}:${amPort}`, webhookUrl: `http://${HOST}:${receiver.port}/` });
    mkdirSync(rulesDir);
    for (const f of files.ruleFiles) writeFileSync(join(rulesDir, f.name), f.text);
    writeFileSync(join(dir, 'prometheus.yml'), files.prometheusYml);
    writeFileSync(join(dir, 'alertmanager.yml'), files.alertmanagerYml ?? '');
    start('prometheus-alertmanager', [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=${HOST}:${amPort}`, '--cluster.listen-address='], join(tmpdir(), 'pc-prom-itest-alertmanager.log'));
    start('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${HOST}:${promPort}`], join(tmpdir(), 'pc-prom-itest-prometheus.log'));
    const url = `http://${HOST}:${promPort}`;
    const startedWall = Date.now();
    const watch = new PrometheusWatch({ prometheusUrl: url, rules: files.rules, adapted: files.adapted, targets: files.targets, notifications: () => receiver.notifications() });

    await watch.ready(30_000);
    // Ready is the first reading with every target scraped; an evaluation before it may have run over the first
    // scrape round alone (one Patroni of three: PostgresInsufficientReplicas pending until the next one, seen
    // ending 675 ms after the first step). The first step comes after an evaluation over every target, as a run's does.
    const readyWall = Date.now() + 100;
    for (let i = 0; ; i++) {
      const behind = evaluatedUntil((await readApi(url)).groups, readyWall);
      if (behind === true) break;
      if (i > 100) throw new Error(`no rule evaluation after every target was scraped within 20 s: ${behind}`);
      await sleep(200);
    }
    const firstStep = now();
    await sleep(2000);
    const fault = now();
    leaderless = true;
    const pendingAt = await untilState(url, 'PostgresNoLeader', 'pending', 10_000);
    const firingAt = await untilState(url, 'PostgresNoLeader', 'firing', 75_000);
    await sleep(2000);
    const healed = now();
    leaderless = false;
    const resolvedAt = await untilState(url, 'PostgresNoLeader', 'inactive', 10_000);
    // Alertmanager sends the resolved notification at its next group_interval (1 s).
    await sleep(3000);
    // Read right after the last step, as a run whose healing and convergence took no time (seen: Prometheus's last
    // evaluation 679 ms before it, every never-fires line unknown): the reading must wait for an evaluation past it.
    const lastStep = now();
    const e = await watch.end(startedWall, lastStep);

    expect(e.evaluated, e.why).toBe(true);
    expect(e.from).toBeLessThanOrEqual(firstStep);
    expect(e.to).toBeGreaterThanOrEqual(lastStep);
    expect(e.adapted.some((a) => a.includes('read as the run\'s scope "pgchaos"'))).toBe(true);
    const rule = e.rules.find((r) => r.name === 'PostgresNoLeader');
    expect(rule?.health).toBe('ok');
    // A pending wholly before the first step is the first scrape round's (the primary's Patroni not scraped yet:
    // sum(patroni_master) == 0), seen once here beside the fault's; the fault's is the one after it.
    const pending = rule?.intervals.filter((i) => i.state === 'pending' && (i.to === null || i.to > firstStep)) ?? [];
    const firing = rule?.intervals.filter((i) => i.state === 'firing') ?? [];
    expect(pending).toHaveLength(1);
    expect(firing).toHaveLength(1);
    // Within about two evaluations (scrape, then evaluate) of what the API showed.
    expect(Math.abs((pending[0]?.from ?? NaN) - pendingAt)).toBeLessThan(2500);
    expect(Math.abs((firing[0]?.from ?? NaN) - firingAt)).toBeLessThan(2500);
    expect((firing[0]?.from ?? NaN) - fault).toBeGreaterThanOrEqual(60_000);
    expect((firing[0]?.from ?? NaN) - fault).toBeLessThan(65_000);
    expect(firing[0]?.to).not.toBeNull();
    expect(Math.abs((firing[0]?.to ?? NaN) - resolvedAt)).toBeLessThan(2500);
    expect((firing[0]?.to ?? NaN) - healed).toBeGreaterThan(0);
    // Every other rule stayed quiet from the first step: the etcd members had a leader, the series of the others do not exist.
    // (Before it, Prometheus's first round of scrapes can find one Patroni of three: sum(patroni_replica) < 2 goes pending.)
    const noisy = e.rules.filter((r) => r.name !== 'PostgresNoLeader' && r.intervals.some((i) => i.to === null || i.to > firstStep));
    expect(noisy.map((r) => r.name), JSON.stringify(noisy.map((r) => [r.name, r.intervals.map((i) => [i.state, i.from - firstStep, i.to === null ? null : i.to - firstStep])]))).toEqual([]);
    expect(e.rules.every((r) => r.health === 'ok')).toBe(true);
    const sent = (e.notifications ?? []).flatMap((n) => n.alerts.filter((a) => a.alertname === 'PostgresNoLeader').map((a) => ({ status: n.status, at: n.at })));
    expect(sent.map((s) => s.status)).toEqual(['firing', 'resolved']);
    expect((sent[0]?.at ?? NaN) - (firing[0]?.from ?? NaN)).toBeLessThan(3000);

    const scenario = loadScenarioText(`name: prom-itest
steps:
  - fault: { action: kill, target: primary }
sla:
  alerts: { PostgresNoLeader: "fires within 90s", EtcdUnhealthy: "never fires", PostgresNodeUnhealthy: "never fires", PostgresReplicationLagCritical: "never fires" }
`, 'prom-itest.yaml');
    // A limit under the rule's for: 1m, which validate refuses (it can only fail): written past it, to see it fail.
    const tight = { ...scenario, alertSla: [{ rule: 'PostgresNoLeader', expect: { kind: 'fires-within' as const, ms: 30_000 }, threshold: 'fires within 30s' }] };
    const events: HistoryEvent[] = [
      { kind: 'step', t: firstStep, index: 0, step: 'fault kill primary', phase: 'start', type: 'fault' },
      { kind: 'fault', t: fault, phase: 'inject', id: 'f1', action: 'kill', target: 'primary', resolved: ['patroni1'] },
      { kind: 'step', t: lastStep, index: 0, step: 'fault kill primary', phase: 'end', type: 'fault' },
      e,
    ];
    expect(judgeAlertLines(scenario, events).map((l) => [l.rule, l.status, l.note])).toEqual([
      ['PostgresNoLeader', 'pass', expect.stringMatching(/^fired 1 min 0\d s after the first fault, resolved/)],
      ['EtcdUnhealthy', 'pass', expect.any(String)],
      ['PostgresNodeUnhealthy', 'pass', expect.any(String)],
      // Patroni exports no patroni_replication_lag: a rule over it cannot fire, so its quiet is no evidence.
      ['PostgresReplicationLagCritical', 'unknown', expect.stringMatching(/patroni_replication_lag\{scope="pgchaos"\} matched no series all run/)],
    ]);
    // Every target was scraped, and each selector of the quiet rules matched all three instances, all along.
    expect(e.targets.map((t) => t.down)).toEqual(Array(6).fill([]));
    expect(e.rules.find((r) => r.name === 'PostgresNodeUnhealthy')?.inputs?.[0]?.instances.map((i) => i.gaps)).toEqual([[], [], []]);
    expect(judgeAlertLines(tight, events)[0]).toMatchObject({ rule: 'PostgresNoLeader', status: 'fail' });
  });
});
