/**
 * The runner with a provider that runs a Prometheus (the AlertMonitoring
 * ability), against a hand-made Prometheus HTTP API: it waits for the
 * rules to be evaluated before the first step, reads them after the final
 * read, and the run is judged on what was read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Monitoring } from '../alerts/monitoring.js';
import { clusterScrape } from '../alerts/test-support.js';
import { FAKE_PARTS, FakeProvider } from '../cluster/fake/fake-cluster.js';
import { ofKind } from '../history/history.js';
import { toReportJson } from '../report/json.js';
import { loadScenarioText } from '../scenario/load.js';
import { runScenario } from './run-scenario.js';

const RULES = [{ name: 'PostgresNoLeader', file: 'f', severity: 'critical', selectors: ['patroni_master'] }, { name: 'EtcdUnhealthy', file: 'f', severity: 'critical', selectors: ['etcd_server_has_leader'] }, { name: 'PostgresInsufficientReplicas', file: 'f', severity: 'warning', selectors: ['patroni_replica'] }];
const dirs: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/**
 * A Prometheus API whose ALERTS holds `firing` for the last 3 s before each query (or nothing); target a:1 up and every
 * selector matched on it all along; its groups last evaluated `behindMs` before each query.
 */
async function fakePrometheus(firing: string | undefined, behindMs = 0): Promise<string> {
  const started = new Date().toISOString();
  const server = createServer((req, res) => {
    const ok = (data: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data }));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const nowS = Date.now() / 1000;
    if (path === '/api/v1/status/runtimeinfo') return ok({ startTime: started });
    if (path === '/api/v1/rules') return ok({ groups: [{ name: 'g', file: 'f', lastEvaluation: new Date(Date.now() - behindMs).toISOString(), rules: RULES.map((r) => ({ name: r.name, health: 'ok', type: 'alerting' })) }] });
    if (path === '/api/v1/targets') return ok({ activeTargets: [{ labels: { job: 'patroni', instance: 'a:1' }, health: 'up' }] });
    if (path === '/api/v1/query') {
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      // Every 250 ms since well before the run: the target scraped, the selectors matched, all along.
      const along = Array.from({ length: 241 }, (_, k): [number, string] => [nowS - (240 - k) / 4, '1']);
      if (query.startsWith('up[')) return ok({ resultType: 'matrix', result: [{ metric: { job: 'patroni', instance: 'a:1' }, values: along }] });
      if (query.startsWith('(count by (instance)')) return ok({ resultType: 'matrix', result: [{ metric: { instance: 'a:1' }, values: along }] });
      const values = [2, 1, 0].map((s): [number, string] => [nowS - s, '1']);
      return ok({ resultType: 'matrix', result: firing === undefined ? [] : [{ metric: { alertname: firing, alertstate: 'firing', severity: 'critical' }, values }] });
    }
    res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function run(monitoring: Monitoring) {
  const scenario = loadScenarioText('name: quiet\nobserve: { interval: 20ms }\nsteps:\n  - sleep: 100ms\n', 'quiet.yaml');
  const fake = new FakeProvider('synchronous', { failoverAfterMs: 150 });
  const provider = { name: 'fake', start: async () => Object.assign(await fake.start(), { monitoring }) };
  const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-prom-run-'))) - 1] as string;
  return runScenario(scenario, { provider: () => provider, parts: { ...FAKE_PARTS, scrapeMetrics: async (c) => clusterScrape({ patroni: '3.0.2', scope: c.scope }) }, iteration: 1, finalConvergeMs: 500, dir });
}

describe('runScenario with the run\'s Prometheus', () => {
  it('a quiet run whose Prometheus saw no critical alert passes on the default lines, with what was evaluated in report.json', async () => {
    const record = await run({ prometheusUrl: await fakePrometheus(undefined), rules: RULES, adapted: ['scope adapted'] });
    expect(record.harnessError).toBeUndefined();
    const e = ofKind(record.events, 'alert-evaluation');
    expect(e).toHaveLength(1);
    expect(e[0]?.t).toBeGreaterThan(ofKind(record.events, 'final-read')[0]?.t ?? Infinity);
    const json = toReportJson(record);
    expect(json.alert_sla.map((l) => [l.rule, l.status, l.core])).toEqual([['PostgresNoLeader', 'pass', true], ['EtcdUnhealthy', 'pass', true]]);
    expect(json.verdict).toBe('pass');
    expect(json.alerts?.evaluated_by).toBe('prometheus');
    expect(json.alerts?.prometheus?.adapted).toEqual(['scope adapted']);
    expect(json.alerts?.rules.find((r) => r.name === 'EtcdUnhealthy')).toMatchObject({ evaluated_by: 'prometheus', fired: [], first_fired_ms: null, resolved_ms: null, severity: 'critical' });
  });

  it('read right after the last step, its Prometheus evaluating 1.5 s behind: the runner waits for an evaluation past the last step, and the lines pass', async () => {
    const record = await run({ prometheusUrl: await fakePrometheus(undefined, 1500), rules: RULES, adapted: [] });
    const e = ofKind(record.events, 'alert-evaluation')[0];
    expect(e?.to).toBeGreaterThanOrEqual(ofKind(record.events, 'step').at(-1)?.t ?? Infinity);
    const json = toReportJson(record);
    expect(json.alert_sla.map((l) => [l.rule, l.status, l.note])).toEqual([['PostgresNoLeader', 'pass', expect.any(String)], ['EtcdUnhealthy', 'pass', expect.any(String)]]);
  });

  it('a critical alert firing in a run without a fault fails it', async () => {
    const record = await run({ prometheusUrl: await fakePrometheus('EtcdUnhealthy'), rules: RULES, adapted: [] });
    const json = toReportJson(record);
    expect(json.alert_sla.find((l) => l.rule === 'EtcdUnhealthy')?.status).toBe('fail');
    expect(json.verdict).toBe('fail');
    const fired = json.alerts?.rules.find((r) => r.name === 'EtcdUnhealthy')?.fired ?? [];
    expect(fired).toHaveLength(1);
    expect(fired[0]?.state).toBe('firing');
  });

  it('a provider whose Prometheus could not be started: the default lines are unknown and the run is an error, not a pass', async () => {
    const record = await run({ missing: 'Prometheus could not be started: EADDRINUSE' });
    const json = toReportJson(record);
    expect(json.alert_sla.length).toBeGreaterThan(0);
    expect(json.alert_sla.every((l) => l.status === 'unknown' && /could not be started/.test(l.note))).toBe(true);
    expect(json.verdict).toBe('error');
    expect(json.alerts?.evaluated_by).toBeNull();
    expect(json.alerts?.rules.every((r) => r.fired === null)).toBe(true);
  }, 60_000);

  it('a machine without Prometheus runs none: a quiet run is not held to the default lines (as before there was one), and says nothing was evaluated', async () => {
    const record = await run({ missing: 'prometheus is not installed on this machine', notInstalled: true });
    const json = toReportJson(record);
    expect(json.alert_sla).toEqual([]);
    expect(json.verdict).toBe('pass');
    expect(ofKind(record.events, 'alert-evaluation')).toEqual([]);
    expect(json.alerts?.evaluated_by).toBeNull();
    expect(json.alerts?.rules.every((r) => r.fired === null)).toBe(true);
  }, 60_000);
});
