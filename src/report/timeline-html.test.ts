import { describe, expect, it } from 'vitest';
import type { FaultEvent, WriteEvent } from '../history/events.js';
import { writeBuckets } from './timeline-buckets.js';
import { toTimelineHtml } from './timeline-html.js';
import { buildLanes, faultWindows } from './timeline-lanes.js';
import { toSuiteTimelineHtml } from './timeline-suite.js';
import { END, FIRST_OK_AFTER, HEAL, INJECT, PROMOTED, T0, events, passingRun, run } from './test-fixture.js';

describe('buildLanes', () => {
  const lanes = buildLanes(events(), T0, T0 + END);

  it('draws each member as role segments from the probes', () => {
    expect(lanes.members.map((m) => m.name)).toEqual(['pg-1', 'pg-2', 'pg-3']);
    expect(lanes.members[0]?.segments).toEqual([
      { from: 0, to: INJECT, state: 'primary' },
      { from: INJECT, to: HEAL + 2000, state: 'unreachable' },
      { from: HEAL + 2000, to: END, state: 'replica' },
    ]);
    expect(lanes.members[1]?.segments.map((s) => [s.from, s.state])).toEqual([[0, 'replica'], [PROMOTED, 'primary']]);
  });

  it('draws the DCS leader, with a gap when no one holds the key', () => {
    expect(lanes.dcs).toEqual([
      { from: 0, to: 35_000, state: 'pg-1' },
      { from: 35_000, to: PROMOTED - 500, state: '' },
      { from: PROMOTED - 500, to: END, state: 'pg-2' },
    ]);
  });

  it('counts writes per 250 ms bucket by outcome', () => {
    expect(lanes.writes.bucketMs).toBe(250);
    expect(lanes.writes.ok).toHaveLength(END / 250);
    expect(lanes.writes.ok.slice(0, 4)).toEqual([2, 2, 3, 2]);
    const bucket = Math.floor(FIRST_OK_AFTER / 250);
    expect(lanes.writes.ok[bucket - 1]).toBe(0);
    expect(lanes.writes.ok[bucket]).toBe(1);
    expect(lanes.writes.fail.reduce((a, b) => a + b, 0)).toBe(205);
    expect(lanes.writes.info.reduce((a, b) => a + b, 0)).toBe(2);
    expect(lanes.faults.map((f) => [f.at, f.phase])).toEqual([[INJECT, 'inject'], [HEAL + 100, 'heal']]);
  });

  it('keeps the latency of acknowledged writes per bucket, and none where nothing was acknowledged', () => {
    expect(lanes.writes.latency.p50[0]).toBe(5);
    expect(lanes.writes.latency.p50[Math.floor(20_000 / 250)]).toBeNull();
  });

  it('shades each fault from its injection to its heal', () => {
    expect(lanes.windows).toEqual([{ id: 'f1', action: 'kill', resolved: ['pg-1'], from: INJECT, to: HEAL + 100, healed: true }]);
  });
});

describe('faultWindows', () => {
  const f = (t: number, phase: FaultEvent['phase'], id: string, error?: string): FaultEvent =>
    ({ kind: 'fault', t, phase, id, action: 'stop', target: 'primary', resolved: ['pg-1'], ...(error ? { error } : {}) });

  it('pairs injections and heals by id, even interleaved', () => {
    expect(faultWindows([f(1000, 'inject', 'a'), f(2000, 'inject', 'b'), f(3000, 'heal', 'a'), f(5000, 'heal', 'b')], (t) => t, 9000)
      .map((w) => [w.id, w.from, w.to, w.healed])).toEqual([['a', 1000, 3000, true], ['b', 2000, 5000, true]]);
  });

  it('runs a fault never healed to the end of the run, and draws none for an injection that failed', () => {
    expect(faultWindows([f(1000, 'inject', 'a'), f(2000, 'inject', 'b', 'docker kill failed')], (t) => t, 9000)
      .map((w) => [w.id, w.from, w.to, w.healed])).toEqual([['a', 1000, 9000, false]]);
  });
});

describe('writeBuckets', () => {
  const w = (end: number, outcome: WriteEvent['outcome'], latency: number): WriteEvent => ({ kind: 'write', key: end, writer: 0, start: end - latency, end, outcome });

  it('counts ok, fail and info apart, and takes median and worst latency of the ok writes only', () => {
    const b = writeBuckets([w(10, 'ok', 2), w(20, 'ok', 4), w(30, 'ok', 900), w(40, 'fail', 5000), w(50, 'info', 5000)], (t) => t, 500);
    expect([b.ok, b.fail, b.info]).toEqual([[3, 0], [1, 0], [1, 0]]);
    expect(b.latency).toEqual({ p50: [4, null], max: [900, null] });
    expect(() => writeBuckets([w(20, 'ok', 2), w(10, 'ok', 2)], (t) => t, 500)).toThrow(/in order of end/);
  });

  it('sums up each bucket from its own writes only, over buckets with none between them', () => {
    // 250 ms buckets: [0,250) gets 3 writes, [250,500) none, [500,750) 2 (one a fail), the last one write at its very start.
    const b = writeBuckets([w(100, 'ok', 30), w(200, 'ok', 10), w(249, 'ok', 20), w(500, 'fail', 1), w(700, 'ok', 7), w(750, 'ok', 99)], (t) => t, 1000);
    expect(b.ok).toEqual([3, 0, 1, 1]);
    expect(b.fail).toEqual([0, 0, 1, 0]);
    expect(b.latency).toEqual({ p50: [20, null, 7, 99], max: [30, null, 7, 99] });
  });
});

describe('toTimelineHtml', () => {
  const html = toTimelineHtml(run({ scenario: { ...run().scenario, name: 'kill <primary> & co' } }));

  it('is one self-contained page with an inline SVG', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|<link|\bsrc=|url\(/);
    expect(html).not.toMatch(/href="https?:/);
  });

  it('shows the lanes, the fault window, the writes, errors and latency strips', () => {
    expect(html).toContain('<title>pg-1: unreachable +7.0 s → +57.0 s</title>');
    expect(html).toContain('<title>no leader +35.0 s → +38.5 s</title>');
    expect(html).toContain('<title>f1: kill pg-1 +7.0 s → +55.1 s</title>');
    expect(html).toContain('⚡ kill pg-1');
    expect(html).toContain('class="heal"');
    expect(html).toContain('class="fault-shade"');
    expect(html).toContain('peak 12/s');
    expect([...html.matchAll(/data-lane="([^"]+)"/g)].map((m) => m[1])).toEqual(['faults', 'member:pg-1', 'member:pg-2', 'member:pg-3', 'leader', 'writes', 'errors', 'latency']);
    expect(html).toContain('data-series="latency-p50"');
    expect(html).toContain('patroni 3.3.2 · postgres 15.8 · etcd 3.5.16 · haproxy ?');
    expect(html).toContain('kill &lt;primary&gt; &amp; co');
    expect(html).not.toContain('kill <primary>');
  });
});

describe('toSuiteTimelineHtml', () => {
  const html = toSuiteTimelineHtml('nightly', [{ run: run(), dir: '01-kill primary-1' }, { run: passingRun(12_000, { iteration: 2 }), dir: '01-kill primary-2' }]);

  it('links every iteration\'s own page and report, relative to the suite folder', () => {
    expect([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '01-kill%20primary-1/timeline.html', '01-kill%20primary-1/report.md', '01-kill%20primary-2/timeline.html', '01-kill%20primary-2/report.md',
    ]);
    expect(html).toContain('kill-primary #2</a> <small>PASS · RTO 12.0 s');
  });

  it('draws a small timeline per run (faults, leader key, writes), self-contained, with the worst verdict on top', () => {
    expect(html).toContain('<h1>❌ FAIL: suite nightly</h1>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/class="fault-band"/g)).toHaveLength(2);
    expect(html).not.toContain('data-lane="member:');
    expect(html).not.toMatch(/<script|<link|\bsrc=|url\(/);
  });
});
