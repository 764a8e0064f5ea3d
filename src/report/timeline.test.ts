import { describe, expect, it } from 'vitest';
import type { HistoryEvent, ProbeEvent } from '../history/events.js';
import { buildTimeline } from './timeline.js';
import { FIRST_OK_AFTER, LEADER_GONE, PROMOTED, T0, events } from './test-fixture.js';

const timeline = buildTimeline(events(), T0);
const ofKind = <K extends string>(k: K) => timeline.filter((e) => e.kind === k);

describe('buildTimeline', () => {
  it('keeps probes only where a member changes state, never every probe', () => {
    const probes = timeline.flatMap((e) => (e.kind === 'probe' ? [`${e.at_ms} ${e.member} ${e.role} ${e.patroni_role ?? '?'}`] : []));
    // 2,250 probes in the history.
    expect(probes).toEqual([
      '0 pg-1 primary primary',
      '0 pg-2 replica replica',
      '0 pg-3 replica replica',
      '7000 pg-1 unreachable ?',
      `${PROMOTED - 500} pg-2 replica primary`,
      `${PROMOTED} pg-2 primary primary`,
      '57000 pg-1 replica replica',
    ]);
  });

  it('keeps DCS leader changes only', () => {
    expect(ofKind('dcs')).toEqual([
      { at_ms: 0, kind: 'dcs', leader: 'pg-1' },
      { at_ms: LEADER_GONE, kind: 'dcs', leader: null },
      { at_ms: PROMOTED - 500, kind: 'dcs', leader: 'pg-2' },
    ]);
  });

  it('compresses writes to the first ack after a gap and one entry per fail/info burst', () => {
    expect(ofKind('write')).toEqual([
      { at_ms: 100, kind: 'write', outcome: 'ok', key: 1, node: 'pg-1', timeline: 1, gap_ms: null },
      { at_ms: 7050, kind: 'write', outcome: 'info', count: 2, until_ms: 7150, error: 'connection lost during commit' },
      { at_ms: 7300, kind: 'write', outcome: 'fail', count: 205, until_ms: 48_100, error: 'connection refused' },
      { at_ms: FIRST_OK_AFTER, kind: 'write', outcome: 'ok', key: 277, node: 'pg-2', timeline: 2, gap_ms: FIRST_OK_AFTER - 6900 },
    ]);
  });

  it('keeps every fault, step, note, converged and final read, in time order', () => {
    expect(ofKind('fault').map((e) => e.at_ms)).toEqual([7000, 55_100]);
    expect(ofKind('step')).toHaveLength(12);
    expect(ofKind('note')).toEqual([{ at_ms: 50, kind: 'note', message: 'primary at start: pg-1' }]);
    expect(ofKind('converged')).toHaveLength(1);
    expect(ofKind('final-read')).toEqual([{ at_ms: 74_500, kind: 'final-read', node: 'pg-2', rows: 3 }]);
    const times = timeline.map((e) => e.at_ms);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(timeline).toHaveLength(31);
  });

  it('stays bounded when a member flaps, keeping structural events and saying what it dropped', () => {
    const flapping: ProbeEvent[] = Array.from({ length: 10_000 }, (_, i) => ({
      kind: 'probe', t: T0 + i * 10, member: 'pg-9', ...(i % 2 === 0 ? { inRecovery: true } : { error: 'timeout' }),
    }));
    const all: HistoryEvent[] = [...events(), ...flapping];
    const bounded = buildTimeline(all, T0, 500);
    expect(bounded).toHaveLength(500);
    expect(bounded.filter((e) => e.kind === 'fault')).toHaveLength(2);
    expect(bounded.filter((e) => e.kind === 'step')).toHaveLength(12);
    const note = bounded.find((e) => e.kind === 'note' && e.message.startsWith('timeline truncated'));
    expect(note).toBeDefined();
    // 10,000 flaps + 11 other changes, less the 479 that fit beside 20 structural entries and the note.
    expect(note?.kind === 'note' && note.message).toBe('timeline truncated: 9532 later probe/write entries omitted');
    expect(buildTimeline(all, T0).length).toBeLessThanOrEqual(1500);
  });
});
