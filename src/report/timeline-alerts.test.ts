import { describe, expect, it } from 'vitest';
import type { AlertEvaluationEvent, HistoryEvent } from '../history/events.js';
import { buildLanes } from './timeline-lanes.js';
import { timelineSvg } from './timeline-svg.js';

const START = 1_000_000;
const evaluation = (o: Partial<AlertEvaluationEvent>): AlertEvaluationEvent => ({
  kind: 'alert-evaluation', t: START + 60_000, evaluated: true, from: START, to: START + 59_000, interval_ms: 1000, targets: [], adapted: [],
  rules: [
    { name: 'PostgresNoLeader', file: 'f', severity: 'critical', health: 'ok', intervals: [{ state: 'pending', from: START + 10_000, to: START + 20_000 }, { state: 'firing', from: START + 20_000, to: null }] },
    { name: 'EtcdUnhealthy', file: 'f', severity: 'critical', health: 'ok', intervals: [] },
  ],
  ...o,
});
const lanes = (events: HistoryEvent[]) => buildLanes(events, START, START + 60_000);

describe('the alert lane', () => {
  it('a lane per rule ever active, an open stretch ending with the run; quiet rules get none', () => {
    const l = lanes([evaluation({})]);
    expect(l.alerts?.rules).toEqual([{ name: 'PostgresNoLeader', severity: 'critical', segments: [{ from: 10_000, to: 20_000, state: 'pending' }, { from: 20_000, to: 60_000, state: 'firing' }] }]);
    const svg = timelineSvg(l);
    expect(svg).toContain('data-lane="alert:PostgresNoLeader"');
    expect(svg).toContain('data-alert="PostgresNoLeader" data-state="firing"');
    expect(svg).not.toContain('alert:EtcdUnhealthy');
  });

  it('says nothing was active, or that nothing was evaluated, rather than drawing an empty lane; no lane without Prometheus', () => {
    expect(timelineSvg(lanes([evaluation({ rules: [] })]))).toContain('no documented rule was pending or firing');
    expect(timelineSvg(lanes([evaluation({ evaluated: false, why: 'Prometheus restarted' })]))).toContain('not evaluated: Prometheus restarted');
    const none = lanes([]);
    expect(none.alerts).toBeUndefined();
    expect(timelineSvg(none)).not.toContain('data-lane="alerts"');
    expect(timelineSvg(lanes([evaluation({})]), { compact: true })).not.toContain('data-alert');
  });
});
