import { describe, expect, it } from 'vitest';
import { FAULTS, faultCatalog } from './registry.js';

describe('fault registry', () => {
  it('registers every fault once under its action name', () => {
    expect([...FAULTS.keys()].sort()).toEqual([
      'cut-clients', 'drop-packets', 'failover', 'isolate', 'kill', 'kill-patroni', 'kill-postgres', 'partition-dcs', 'partition-hosts', 'partition-majority',
      'pause-replication', 'restart', 'shutdown', 'slow-clients', 'slow-dcs', 'slow-replication', 'stop', 'switchover', 'throttle-replication',
    ]);
    for (const [action, f] of FAULTS) expect(f.action).toBe(action);
  });

  it('marks as unsupported what a provider lacks the capability for', () => {
    const catalog = faultCatalog('bare', new Set(['patroni-rest']), ['m1'], ['e1']);
    expect(catalog.actions.get('switchover')?.supported).toBe(true);
    expect(catalog.actions.get('kill')?.supported).toBe(false);
    expect(catalog.actions.get('partition-dcs')?.supported).toBe(false);
  });

  it('says why a fault is unsupported: the provider\'s own reason, else the capability in words', () => {
    const catalog = faultCatalog('bare', new Set(['process-control']), ['m1'], ['e1'], { 'patroni-signal': 'Patroni is PID 1 here' });
    expect(catalog.actions.get('kill')?.unsupported).toBeUndefined();
    expect(catalog.actions.get('kill-patroni')?.unsupported).toBe('Patroni is PID 1 here');
    expect(catalog.actions.get('slow-dcs')?.unsupported).toBe('it cannot do latency and bandwidth on links');
  });

  it('lets the local provider run every fault but the host partitions and packet loss, and the docker provider all but link shaping', async () => {
    const { PROVIDERS } = await import('../cluster/registry.js');
    const unsupported = (name: string) => {
      const p = PROVIDERS.get(name);
      if (p === undefined) throw new Error(`no provider ${name}`);
      return [...faultCatalog(p.name, p.capabilities, p.members, p.etcdMembers, p.missing).actions].filter(([, a]) => !a.supported).map(([k]) => k).sort();
    };
    expect(unsupported('local')).toEqual(['drop-packets', 'partition-hosts']);
    expect(unsupported('docker')).toEqual(['slow-clients', 'slow-dcs', 'slow-replication', 'throttle-replication']);
  });

  it.each([
    ['slow-dcs', { latency_ms: 100 }, undefined],
    ['slow-dcs', { latency_ms: -1 }, 'expected latency_ms: a number of milliseconds >= 0'],
    ['slow-replication', { latency: 5 }, 'unknown parameter(s) latency; expected latency_ms and optionally jitter_ms'],
    ['throttle-replication', { rate_kbps: 64 }, undefined],
    ['throttle-replication', { rate_kbps: 0 }, 'expected rate_kbps: a whole number of KB/s > 0'],
    ['partition-hosts', { grudge: 'majorities-ring' }, undefined],
    ['partition-hosts', {}, 'expected grudge: one of majorities-ring, bridge, random-halves'],
    ['partition-hosts', { grudge: 'ring', extra: 1 }, 'unknown parameter(s) extra; expected grudge'],
  ])('checks the parameters of %s %j', (action, params, expected) => {
    expect(FAULTS.get(action)?.params?.(params)).toBe(expected);
  });
});
