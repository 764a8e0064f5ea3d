/**
 * A run's history keeps its writes on disk (History, WriteLog) and the
 * checks read them back one pass at a time; tests hand the checks a list.
 * The verdict must not depend on which: every history here is judged both
 * ways and must give the same analysis, timeline and lanes, including the
 * ones built to be awkward (writes out of order, a key written twice, no
 * writes, two faults, a fault never healed, lost and unexpected keys).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../history/events.js';
import { History } from '../history/history.js';
import { buildLanes } from '../report/timeline-lanes.js';
import { buildTimeline } from '../report/timeline.js';
import { events as reportFixture, scenario as reportScenario, T0, END } from '../report/test-fixture.js';
import type { SlaRequirement } from '../sla/types.js';
import { analyze } from './analyze.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

const gate: SlaRequirement[] = [
  { metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' },
  { metric: 'lost_writes', op: '==', value: 0, threshold: '== 0' },
  { metric: 'max_concurrent_primaries', op: '<=', value: 1, threshold: '<= 1' },
  { metric: 'unavailability_ms', op: '<', value: 2000, threshold: '< 2s' },
];

/** The same events as a recorded history, with chunks of 2 so that every pass crosses chunk edges and reads from disk. */
function recorded(events: readonly HistoryEvent[]): History {
  const h = new History(undefined, { chunkRecords: 2 });
  events.forEach((e) => h.append(e));
  return h;
}

function lossy(): HistoryEvent[] {
  const h = cleanFailover();
  const keys = h.okKeys();
  // Lost: the last three acknowledged keys; unexpected: key 9999; a key written twice, fail then ok.
  h.write(10_100, 10_150, 'fail', undefined, 5001);
  h.write(10_200, 10_260, 'ok', { node: 'pg2', timeline: 2 }, 5001);
  h.write(10_300, 10_350, 'info', undefined, 5002);
  h.finalRead(11_500, [...keys.slice(0, -3), 5001, 5002, 9999]);
  return h.events;
}

function splitBrain(): HistoryEvent[] {
  const h = cleanFailover();
  // pg1 never really stopped: it acknowledges on timeline 1 after pg2's first ack on timeline 2.
  h.write(7400, 7460, 'ok', { node: 'pg1', timeline: 1 });
  h.write(7500, 7530, 'ok', { node: 'pg1', timeline: 1 });
  h.finalRead(11_500, h.okKeys());
  return h.events;
}

function outOfOrderTwoFaultsNeverHealed(): HistoryEvent[] {
  const h = new HistoryBuilder();
  h.reads(0, 20_000, 100, 'pg1', 3);
  for (let t = 0; t < 20_000; t += 200) h.primary(t, 'pg1').replica(t, 'pg2').replica(t, 'pg3');
  // Writes appended in an order that is not their acknowledgement order.
  h.write(300, 900, 'ok', { node: 'pg1', timeline: 1 });
  h.write(100, 200, 'ok', { node: 'pg1', timeline: 1 });
  h.write(400, 450, 'fail');
  h.inject(1000, 'f1', 'freeze', ['pg2']);
  h.write(1200, 5200, 'info');
  h.write(1100, 1300, 'ok', { node: 'pg1', timeline: 1 });
  h.inject(3000, 'f2', 'partition', ['pg3']);
  h.heal(6000, 'f1', 'freeze');
  h.write(6100, 6150, 'ok', { node: 'pg1', timeline: 1 });
  return h.events;
}

function noWrites(): HistoryEvent[] {
  const h = new HistoryBuilder();
  h.reads(0, 5000, 100, 'pg1', 3);
  h.primary(0, 'pg1').inject(1000).heal(2000);
  return h.events;
}

const clean = (): HistoryEvent[] => {
  const h = cleanFailover();
  h.finalRead(11_500, h.okKeys());
  return h.events;
};

const cases: Array<[string, () => HistoryEvent[]]> = [
  ['a clean failover', clean],
  ['lost, unexpected, recovered keys and a key written twice', lossy],
  ['acknowledgements on a stale timeline', splitBrain],
  ['writes out of order, two faults, one never healed, no final read', outOfOrderTwoFaultsNeverHealed],
  ['no writes at all', noWrites],
  ['the report fixture', reportFixture],
];

describe('a history read from disk is judged as the same history in a list', () => {
  for (const [name, make] of cases) {
    it(name, () => {
      const list = make();
      const history = recorded(list);
      try {
        expect(analyze(scenario(gate), history)).toEqual(analyze(scenario(gate), list));
        expect(buildTimeline(history, 0)).toEqual(buildTimeline(list, 0));
        expect(buildLanes(history, 0, 20_000)).toEqual(buildLanes(list, 0, 20_000));
      } finally {
        history.dispose();
      }
    });
  }

  it('with the report fixture\'s own scenario and times', () => {
    const list = reportFixture();
    const history = recorded(list);
    expect(analyze(reportScenario(), history)).toEqual(analyze(reportScenario(), list));
    expect(buildTimeline(history, T0)).toEqual(buildTimeline(list, T0));
    expect(buildLanes(history, T0, T0 + END)).toEqual(buildLanes(list, T0, T0 + END));
    history.dispose();
  });

  it('is not trivially equal: the cases differ from one another', () => {
    const verdicts = cases.map(([, make]) => JSON.stringify(analyze(scenario(gate), recorded(make())).metrics));
    expect(new Set(verdicts).size).toBe(cases.length);
    const lossyAnalysis = analyze(scenario(gate), recorded(lossy()));
    expect(lossyAnalysis.metrics).toMatchObject({ lost_writes: 3, unexpected_writes: 1, recovered_writes: 1 });
    expect(analyze(scenario(gate), recorded(splitBrain())).verdict).toBe('fail');
  });
});
