import { describe, expect, it } from 'vitest';
import { checkAvailability, unavailabilityMs } from './availability.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

describe('unavailability', () => {
  it('is the longest gap between acks across a failover', () => {
    // last ack before the crash 4910, first after 7350
    expect(unavailabilityMs(cleanFailover().events)).toBe(2440);
  });

  it('counts a tail of failing writes up to the end of the workload', () => {
    const h = new HistoryBuilder();
    h.ok(0, 100);
    h.ok(200, 300);
    h.write(400, 5000, 'info');
    expect(unavailabilityMs(h.events)).toBe(4700);
  });

  it('counts from the first write start until the first ack', () => {
    const h = new HistoryBuilder();
    h.write(0, 900, 'fail');
    h.ok(1000, 1100);
    h.ok(1200, 1300);
    expect(unavailabilityMs(h.events)).toBe(1100);
  });

  it('counts from a fault injected before the workload started', () => {
    const h = new HistoryBuilder().inject(0);
    h.ok(3000, 3100);
    h.ok(3200, 3300);
    expect(unavailabilityMs(h.events)).toBe(3100);
  });

  it('is the whole span when nothing succeeded', () => {
    const h = new HistoryBuilder();
    h.write(100, 200, 'fail');
    h.write(300, 1300, 'info');
    expect(unavailabilityMs(h.events)).toBe(1200);
  });

  it('cannot decide without writes', () => {
    expect(checkAvailability(scenario(), new HistoryBuilder().dcs(0, 'pg1').events)).toMatchObject({ valid: 'unknown', metrics: {} });
  });
});
