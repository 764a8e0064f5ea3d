import { describe, expect, it } from 'vitest';
import { checkNoLeader, noLeaderMs } from './no-leader.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

describe('no-leader window', () => {
  it('is the leaderless time of a failover', () => {
    expect(noLeaderMs(cleanFailover().events)).toBe(500);
  });

  it('takes the longest of several windows, repeated nulls extending one window', () => {
    const h = new HistoryBuilder().dcs(0, 'pg1').dcs(100, null).dcs(400, 'pg2');
    h.dcs(1000, null).dcs(1200, null).dcs(1900, 'pg3');
    expect(noLeaderMs(h.events)).toBe(900);
  });

  it('closes a window still open at the last event of the history', () => {
    const h = new HistoryBuilder().dcs(0, 'pg1').dcs(1000, null);
    h.ok(2000, 2500);
    expect(noLeaderMs(h.events)).toBe(1500);
  });

  it('is 0 when a leader was always seen', () => {
    expect(noLeaderMs(new HistoryBuilder().dcs(0, 'pg1').dcs(100, 'pg2').events)).toBe(0);
  });

  it('cannot decide without DCS events', () => {
    const h = new HistoryBuilder();
    h.ok(0, 10);
    expect(checkNoLeader(scenario(), h.events)).toMatchObject({ valid: 'unknown', metrics: {} });
  });
});
