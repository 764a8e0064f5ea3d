import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { evaluatedUntil, evaluating, evaluationEvent, gaps, readApi, stretches, type ApiReading, type Readings } from './prometheus-read.js';

const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse('2026-12-07T10:00:00Z');
const RULES = [{ name: 'PostgresNoLeader', file: 'f', severity: 'critical' }, { name: 'EtcdUnhealthy', file: 'f', severity: 'critical' }];
const reading = (o: Partial<ApiReading> = {}, lastEval = T0 + 60_000): ApiReading => ({
  startTime: iso(T0 - 5000),
  groups: [{ name: 'g', file: 'f', lastEvaluation: iso(lastEval), rules: RULES.map((r) => ({ name: r.name, health: 'ok' })) }],
  targets: [{ labels: { job: 'patroni', instance: 'a:1' }, health: 'up' }],
  alerts: [],
  ...o,
});
const readings = (end: Readings['end'], ready: Readings['ready'] = { at: T0, reading: reading() }): Readings => ({ ready, end, rules: RULES, wallOffsetMs: 0, adapted: [] });

describe('stretches of ALERTS samples', () => {
  it('one stretch per run of evaluations; closed one interval after its last sample; open when the last evaluation saw it', () => {
    expect(stretches([1000, 2000, 3000, 10_000, 11_000], 'firing', 11_000)).toEqual([{ state: 'firing', from: 1000, to: 4000 }, { state: 'firing', from: 10_000, to: null }]);
    expect(stretches([3000, 1000, 2000], 'pending', 20_000)).toEqual([{ state: 'pending', from: 1000, to: 4000 }]);
    expect(stretches([], 'firing', 1000)).toEqual([]);
  });

  it('a late evaluation (under 2.5 intervals) does not split a stretch', () => {
    expect(stretches([1000, 3400], 'firing', null)).toEqual([{ state: 'firing', from: 1000, to: 4400 }]);
  });
});

describe('evaluating: ready before the first step', () => {
  it('needs every rule loaded, every group evaluated once, every target up', () => {
    expect(evaluating(reading(), ['PostgresNoLeader', 'EtcdUnhealthy'])).toBe(true);
    expect(evaluating(reading(), ['PostgresNoLeader', 'Other'])).toMatch(/not loaded Other/);
    expect(evaluating(reading({ groups: [{ name: 'g', file: 'f', lastEvaluation: '0001-01-01T00:00:00Z', rules: [] }] }), [])).toMatch(/not evaluated yet: g/);
    expect(evaluating(reading({ targets: [{ labels: { instance: 'a:1' }, health: 'unknown' }] }), [])).toMatch(/not scraped yet: a:1 unknown/);
  });

  it('Prometheus up before its discovery gave the scrape loops any target (seen on 2.42, 270 ms after start): not ready', () => {
    expect(evaluating(reading({ targets: [] }), [])).toMatch(/no target discovered yet/);
    expect(evaluating(reading(), [], ['a:1', 'b:2'])).toMatch(/targets not discovered yet: b:2/);
    expect(evaluating(reading(), [], ['a:1'])).toBe(true);
  });
});

describe('the evaluation event', () => {
  it('turns ALERTS samples into each rule\'s pending and firing stretches, on the history clock', () => {
    const alerts = [
      { metric: { alertname: 'PostgresNoLeader', alertstate: 'pending' }, values: [10, 11, 12].map((s): [number, string] => [(T0 + s * 1000) / 1000, '1']) },
      { metric: { alertname: 'PostgresNoLeader', alertstate: 'firing' }, values: [13, 14].map((s): [number, string] => [(T0 + s * 1000) / 1000, '1']) },
    ];
    const e = evaluationEvent({ ...readings({ reading: reading({ alerts }) }), wallOffsetMs: 500 }, 1);
    expect(e).toMatchObject({ evaluated: true, from: T0, to: T0 + 60_000 - 500 });
    expect(e.rules[0]?.intervals).toEqual([{ state: 'pending', from: T0 + 9500, to: T0 + 12_500 }, { state: 'firing', from: T0 + 12_500, to: T0 + 14_500 }]);
    expect(e.rules[1]).toMatchObject({ name: 'EtcdUnhealthy', health: 'ok', intervals: [] });
  });

  it('no readiness before the first step, a restart, an unreadable end, a rule not loaded: not evaluated, with why', () => {
    expect(evaluationEvent(readings({ reading: reading() }, { at: T0, why: 'timeout' }))).toMatchObject({ evaluated: false, why: expect.stringMatching(/not evaluating every rule before the first step: timeout/) });
    expect(evaluationEvent({ ...readings({ reading: reading() }), ready: undefined }).evaluated).toBe(false);
    expect(evaluationEvent(readings({ reading: reading({ startTime: iso(T0 + 30_000) }) }))).toMatchObject({ evaluated: false, why: expect.stringMatching(/restarted during the run/) });
    expect(evaluationEvent(readings({ why: 'ECONNREFUSED' }))).toMatchObject({ evaluated: false, why: expect.stringMatching(/could not be read at the end of the run: ECONNREFUSED/), rules: [{ health: 'unknown' }, { health: 'unknown' }] });
    const one = reading({ groups: [{ name: 'g', file: 'f', lastEvaluation: iso(T0), rules: [{ name: 'PostgresNoLeader', health: 'ok' }] }] });
    expect(evaluationEvent(readings({ reading: one }))).toMatchObject({ evaluated: false, why: 'Prometheus did not load EtcdUnhealthy' });
  });
});

describe('what there was to evaluate: scrapes and the rules\' series', () => {
  const every = (fromS: number, toS: number, skip: readonly number[] = []): Array<[number, string]> => Array.from({ length: toS - fromS + 1 }, (_, k) => fromS + k).filter((k) => !skip.includes(k)).map((k): [number, string] => [(T0 + k * 1000) / 1000, '1']);

  it('gaps: a stretch without samples longer than 2.5 intervals, the window\'s edges included; one missed sample is none', () => {
    expect(gaps([1000, 2000, 4000, 5000], 1000, 5000)).toEqual([]);
    expect(gaps([1000, 2000, 6000], 1000, 6000)).toEqual([{ from: 2000, to: 6000 }]);
    expect(gaps([5000], 1000, 9000)).toEqual([{ from: 1000, to: 5000 }, { from: 5000, to: 9000 }]);
    expect(gaps([], 1000, 9000)).toEqual([{ from: 1000, to: 9000 }]);
  });

  it('per target the stretches without a successful scrape (up 0 is not one), per rule selector and instance the stretches it matched nothing', () => {
    const up = [{ metric: { job: 'patroni', instance: 'a:1' }, values: every(0, 60).map(([t, v], k): [number, string] => [t, k >= 20 && k < 30 ? '0' : v]) }];
    const inputs = [
      { selector: 'patroni_master', series: [{ metric: { instance: 'a:1' }, values: every(0, 60, [20, 21, 22, 23, 24]) }] },
      { selector: 'patroni_replication_lag', series: [] },
    ];
    const rules = [{ name: 'PostgresNoLeader', file: 'f', severity: 'critical', selectors: ['patroni_master'], pooled: ['patroni_master'] }, { name: 'EtcdUnhealthy', file: 'f', severity: 'critical', selectors: ['patroni_replication_lag'], pooled: [] }];
    const e = evaluationEvent({ ...readings({ reading: reading({ up, inputs }) }), rules });
    expect(e.targets[0]?.down).toEqual([{ from: T0 + 19_000, to: T0 + 30_000 }]);
    expect(e.rules[0]?.inputs).toEqual([{ selector: 'patroni_master', pooled: true, instances: [{ instance: 'a:1', gaps: [{ from: T0 + 19_000, to: T0 + 25_000 }] }] }]);
    expect(e.rules[1]?.inputs).toEqual([{ selector: 'patroni_replication_lag', instances: [] }]);
  });

  it('without the readings (an older Prometheus answer, no selectors): no down, no inputs, so nothing says the series were there', () => {
    const e = evaluationEvent(readings({ reading: reading() }));
    expect(e.targets[0]?.down).toBeUndefined();
    expect(e.rules[0]?.inputs).toBeUndefined();
  });
});

describe('readApi at the end of the run', () => {
  it('a failed read of the scrapes or the series loses only them (never fires is then unknown), not ALERTS', async () => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ok = (data: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data }));
      if (url.pathname === '/api/v1/status/runtimeinfo') return ok({ startTime: iso(T0) });
      if (url.pathname === '/api/v1/rules') return ok({ groups: [] });
      if (url.pathname === '/api/v1/targets') return ok({ activeTargets: [] });
      const q = url.searchParams.get('query') ?? '';
      if (q.startsWith('ALERTS[')) return ok({ resultType: 'matrix', result: [{ metric: { alertname: 'X', alertstate: 'firing' }, values: [[T0 / 1000, '1']] }] });
      return res.writeHead(422).end(JSON.stringify({ status: 'error', error: 'query processing would load too many samples' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await readApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, Date.now() - 60_000, ['patroni_master']);
      expect(r.alerts).toHaveLength(1);
      expect(r.up).toBeUndefined();
      expect(r.inputs).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('evaluatedUntil: the end reading covers the judged span', () => {
  const group = (name: string, lastEvaluation: string) => ({ name, file: 'f', lastEvaluation, rules: [] });
  it('every group evaluated at or after the span\'s end; one behind, one never evaluated, or none loaded: not yet, with which', () => {
    expect(evaluatedUntil([group('a', iso(T0)), group('b', iso(T0 + 5))], T0)).toBe(true);
    expect(evaluatedUntil([group('a', iso(T0)), group('b', iso(T0 - 679))], T0)).toBe('rule groups last evaluated before the end of the judged span: b (679 ms before)');
    expect(evaluatedUntil([group('a', '0001-01-01T00:00:00Z')], T0)).toMatch(/a \(never evaluated\)/);
    expect(evaluatedUntil([], T0)).toBe('no rule group loaded');
  });
});
