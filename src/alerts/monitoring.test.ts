/**
 * PrometheusWatch.end against a hand-made Prometheus API: the reading at the
 * end must cover the judged span, so it waits (a few intervals at most) for
 * every group's evaluation past its end, on the history clock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeAlertLines } from '../checks/alert-lines.js';
import { now } from '../history/clock.js';
import type { HistoryEvent } from '../history/events.js';
import { loadScenarioText } from '../scenario/load.js';
import { PrometheusWatch } from './monitoring.js';

const RULES = [{ name: 'EtcdUnhealthy', file: 'f', severity: 'critical', selectors: ['etcd_server_has_leader'] }];
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** A Prometheus whose one group was last evaluated at `lastEval()` (epoch ms); its target scraped and its selector matched every 250 ms all along. */
async function prometheus(lastEval: () => number): Promise<string> {
  const started = new Date().toISOString();
  const server = createServer((req, res) => {
    const ok = (data: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data }));
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/v1/status/runtimeinfo') return ok({ startTime: started });
    if (url.pathname === '/api/v1/rules') return ok({ groups: [{ name: 'g', file: 'f', lastEvaluation: new Date(lastEval()).toISOString(), rules: RULES.map((r) => ({ name: r.name, health: 'ok' })) }] });
    if (url.pathname === '/api/v1/targets') return ok({ activeTargets: [{ labels: { job: 'etcd', instance: 'a:1' }, health: 'up' }] });
    const query = url.searchParams.get('query') ?? '';
    const along = Array.from({ length: 241 }, (_, k): [number, string] => [Date.now() / 1000 - (240 - k) / 4, '1']);
    if (query.startsWith('up[')) return ok({ resultType: 'matrix', result: [{ metric: { job: 'etcd', instance: 'a:1' }, values: along }] });
    if (query.startsWith('(count by (instance)')) return ok({ resultType: 'matrix', result: [{ metric: { instance: 'a:1' }, values: along }] });
    return ok({ resultType: 'matrix', result: [] });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const quiet = loadScenarioText('name: q\nsteps:\n  - sleep: 1s\nsla:\n  alerts: { EtcdUnhealthy: "never fires" }\n', 'q.yaml');
const judged = (firstStep: number, lastStep: number, e: HistoryEvent) => judgeAlertLines(quiet, [
  { kind: 'step', t: firstStep, index: 0, step: 'sleep 1s', phase: 'start' },
  { kind: 'step', t: lastStep, index: 0, step: 'sleep 1s', phase: 'end' },
  e,
])[0];

describe('the end reading covers the judged span', () => {
  it('read right after the last step, Prometheus\'s last evaluation 700 ms behind: waits for the next one, and never fires passes', async () => {
    const watch = new PrometheusWatch({ prometheusUrl: await prometheus(() => Date.now() - 700), rules: RULES, adapted: [] });
    await watch.ready(5000);
    const firstStep = now();
    const lastStep = now() + 10;
    const e = await watch.end(Date.now() - 60_000, lastStep);
    expect(e.evaluated, e.why).toBe(true);
    expect(e.to).toBeGreaterThanOrEqual(lastStep);
    expect(judged(firstStep, lastStep, e)).toMatchObject({ status: 'pass' });
  });

  it('a Prometheus that evaluates no more (stalled): gives up after the bounded wait, and never fires is unknown with how far it fell short', async () => {
    const stalledAt = Date.now();
    const watch = new PrometheusWatch({ prometheusUrl: await prometheus(() => stalledAt), rules: RULES, adapted: [] });
    await watch.ready(5000);
    const firstStep = now();
    const lastStep = now() + 50;
    const asked = Date.now();
    const e = await watch.end(Date.now() - 60_000, lastStep, 600);
    expect(Date.now() - asked).toBeLessThan(3000);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(550);
    expect(e.to).toBeLessThan(lastStep);
    expect(judged(firstStep, lastStep, e)).toMatchObject({ status: 'unknown', note: expect.stringMatching(/last evaluation was \d+ ms before the last step ended/) });
  });

  it('a span that ended well before Prometheus\'s last evaluation: read at once', async () => {
    const watch = new PrometheusWatch({ prometheusUrl: await prometheus(() => Date.now()), rules: RULES, adapted: [] });
    await watch.ready(5000);
    const asked = Date.now();
    const e = await watch.end(Date.now() - 60_000, now() - 5000, 2000);
    expect(Date.now() - asked).toBeLessThan(1000);
    expect(e.evaluated).toBe(true);
  });
});
