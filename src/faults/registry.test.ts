import { describe, expect, it } from 'vitest';
import { FAULTS, faultCatalog } from './registry.js';

describe('fault registry', () => {
  it('registers every fault once under its action name', () => {
    expect([...FAULTS.keys()].sort()).toEqual([
      'cut-clients', 'failover', 'isolate', 'kill', 'kill-patroni', 'kill-postgres', 'partition-dcs', 'partition-majority',
      'pause-replication', 'restart', 'slow-clients', 'slow-dcs', 'slow-replication', 'stop', 'switchover', 'throttle-replication',
    ]);
    for (const [action, f] of FAULTS) expect(f.action).toBe(action);
  });

  it('marks as unsupported what a provider lacks the capability for', () => {
    const catalog = faultCatalog('bare', new Set(['patroni-rest']), ['m1'], ['e1']);
    expect(catalog.actions.get('switchover')?.supported).toBe(true);
    expect(catalog.actions.get('kill')?.supported).toBe(false);
    expect(catalog.actions.get('partition-dcs')?.supported).toBe(false);
  });

  it.each([
    ['slow-dcs', { latency_ms: 100 }, undefined],
    ['slow-dcs', { latency_ms: -1 }, 'expected latency_ms: a number of milliseconds >= 0'],
    ['slow-replication', { latency: 5 }, 'unknown parameter(s) latency; expected latency_ms and optionally jitter_ms'],
    ['throttle-replication', { rate_kbps: 64 }, undefined],
    ['throttle-replication', { rate_kbps: 0 }, 'expected rate_kbps: a whole number of KB/s > 0'],
  ])('checks the parameters of %s %j', (action, params, expected) => {
    expect(FAULTS.get(action)?.params?.(params)).toBe(expected);
  });
});
