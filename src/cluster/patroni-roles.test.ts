import { describe, expect, it } from 'vitest';
import { isReplicaRole, isSyncRole } from './patroni-api.js';

describe('standby roles, quorum commit included', () => {
  it('counts a quorum voter (Patroni >= 4.0, synchronous_mode quorum) as a synchronous standby and a replica', () => {
    expect(isSyncRole('quorum_standby')).toBe(true);
    expect(isSyncRole('sync_standby')).toBe(true);
    expect(isSyncRole('replica')).toBe(false);
    expect(isReplicaRole('quorum_standby')).toBe(true);
    expect(isReplicaRole('replica')).toBe(true);
    expect(isReplicaRole('leader')).toBe(false);
    expect(isReplicaRole(undefined)).toBe(false);
  });
});
