import { describe, expect, it } from 'vitest';
import { bootDcs, BOOT_LOOP_WAIT, dcsMismatches, dcsPatch, deepMerge, effectiveDcs } from './dcs.js';

describe('effectiveDcs', () => {
  it('starts from the documented settings', () => {
    const d = effectiveDcs('synchronous');
    expect(d).toMatchObject({ ttl: 30, loop_wait: 10, retry_timeout: 10, maximum_lag_on_failover: 1048576, master_start_timeout: 300 });
    expect(d).toMatchObject({ postgresql: { use_pg_rewind: true, use_slots: true } });
  });

  it('selects synchronous or asynchronous replication', () => {
    expect(effectiveDcs('synchronous')).toMatchObject({ synchronous_mode: true, postgresql: { parameters: { synchronous_commit: 'on' } } });
    expect(effectiveDcs('asynchronous')).toMatchObject({ synchronous_mode: false, postgresql: { parameters: { synchronous_commit: 'local' } } });
  });

  it('lets scenario keys win, deeply, without dropping sibling keys', () => {
    const d = effectiveDcs('synchronous', { ttl: 60, postgresql: { parameters: { max_connections: 200 } } });
    expect(d['ttl']).toBe(60);
    expect(d).toMatchObject({ postgresql: { use_pg_rewind: true, parameters: { max_connections: 200, wal_level: 'replica', synchronous_commit: 'on' } } });
  });

  it('replaces arrays and scalars rather than merging them', () => {
    expect(deepMerge({ a: [1, 2], b: { c: 1 } }, { a: [3], b: 2 })).toEqual({ a: [3], b: 2 });
  });
});

describe('bootDcs', () => {
  it('boots with a short loop_wait and the scenario ttl and retry_timeout', () => {
    const scenario = effectiveDcs('synchronous', { ttl: 40, loop_wait: 5, retry_timeout: 12 });
    const boot = bootDcs(scenario);
    expect(boot).toMatchObject({ ttl: 40, loop_wait: BOOT_LOOP_WAIT, retry_timeout: 12, synchronous_mode: true });
    expect(boot['postgresql']).toEqual(scenario['postgresql']);
    expect(scenario['loop_wait']).toBe(5);
  });

  it('differs from the scenario only in top-level values a PATCH /config can set back', () => {
    // PATCH /config merges: a nested key or a key the scenario lacks could not be undone by it,
    // and the in-force check (which compares the scenario's keys) would not see it.
    for (const scenario of [effectiveDcs('synchronous'), effectiveDcs('asynchronous', { ttl: 20, loop_wait: 5 }), effectiveDcs('synchronous', { loop_wait: 1 })]) {
      const boot = bootDcs(scenario);
      expect(Object.keys(boot).sort()).toEqual(Object.keys(scenario).sort());
      for (const k of Object.keys(scenario)) {
        if (JSON.stringify(boot[k]) !== JSON.stringify(scenario[k])) expect(typeof scenario[k], k).not.toBe('object');
      }
    }
  });

  it('keeps a scenario loop_wait already as short', () => {
    const scenario = effectiveDcs('asynchronous', { loop_wait: 1 });
    expect(bootDcs(scenario)).toBe(scenario);
  });
});

describe('dcsPatch', () => {
  it('carries only the keys whose values differ', () => {
    const scenario = effectiveDcs('synchronous');
    expect(dcsPatch(scenario, bootDcs(scenario))).toEqual({ loop_wait: 10 });
    expect(dcsPatch(scenario, scenario)).toEqual({});
  });
});

describe('dcsMismatches', () => {
  const want = { ttl: 30, loop_wait: 10, postgresql: { parameters: { hot_standby: 'on' } } };

  it('finds nothing when every expected key holds, whatever else is there', () => {
    expect(dcsMismatches(want, { ...want, synchronous_node_count: 1 })).toEqual([]);
  });

  it('names each differing key path with both values', () => {
    expect(dcsMismatches(want, { ttl: 30, loop_wait: 1, postgresql: { parameters: { hot_standby: true } } })).toEqual([
      'loop_wait: 1 instead of 10',
      'postgresql.parameters.hot_standby: true instead of "on"',
    ]);
    expect(dcsMismatches(want, { ttl: 30, loop_wait: 10 })).toEqual(['postgresql: undefined instead of an object']);
  });
});
