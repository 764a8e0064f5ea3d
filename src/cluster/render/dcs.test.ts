import { describe, expect, it } from 'vitest';
import { deepMerge, effectiveDcs } from './dcs.js';

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
