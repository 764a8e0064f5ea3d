import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import { pauseReplicationWith } from './pause-replication.js';
import type { WalAccess } from './wal-stall.js';

const at = (bytes: number) => ({ lsn: `0/${bytes.toString(16).toUpperCase()}`, bytes });
/** m1 the primary flushes 0/300 after the pause; m2 has received 0/100 and then `after`. */
const wal = (after: number): WalAccess => {
  let m2Reads = 0;
  return {
    read: async (m) => (m.name === 'm1' ? { inRecovery: false, position: at(0x100) } : { inRecovery: true, position: at(m.name === 'm2' && ++m2Reads > 2 ? after : 0x100) }),
    advance: async () => at(0x300),
    sleep: async () => undefined,
  };
};

describe('pause-replication', () => {
  it('fails, signalling nothing more, when the member has no WAL process to pause (it used to say "(no WAL process found)" and go on)', async () => {
    const c = new FakeCluster('asynchronous', { failoverAfterMs: null, noReplicationProcess: 'm2' });
    const fault = pauseReplicationWith(() => wal(0x100), 10);
    await expect(fault.inject(c, ['m2'], {})).rejects.toMatchObject({ code: 'FAULT_FAILED', message: 'm2 has no WAL sender or receiver process: SIGSTOP would pause nothing' });
  });

  it('records the stall it saw, when it was in force, and resumes the stream on heal', async () => {
    const c = new FakeCluster('asynchronous', { failoverAfterMs: null });
    const injected = await pauseReplicationWith(() => wal(0x100), 10).inject(c, ['m2'], {});
    expect(injected.effect).toBe('m2 received WAL position stalled at 0/100 for 0.0 s while m1 flushed 0/300');
    expect(injected.inForceAt).toBeTypeOf('number');
    await injected.heal?.();
    expect(c.replicationSignals).toEqual(['SIGSTOP m2', 'SIGCONT m2']);
  });

  it('heals a member whose paused WAL process exited since (the member was killed): nothing is left stopped, so the cure is done, not failed', async () => {
    const c = new FakeCluster('asynchronous', { failoverAfterMs: null });
    const injected = await pauseReplicationWith(() => wal(0x100), 10).inject(c, ['m2'], {});
    await c.signal('patroni', 'm2', 'SIGKILL');
    await expect(injected.heal?.()).resolves.toEqual('m2: no WAL process left stopped (it exited since), nothing to resume');
    expect(c.replicationSignals).toEqual(['SIGSTOP m2', 'SIGCONT m2']);
  });

  it('fails when the stream is not seen to stall, and does not leave it paused', async () => {
    const c = new FakeCluster('asynchronous', { failoverAfterMs: null });
    await expect(pauseReplicationWith(() => wal(0x300), 10).inject(c, ['m2'], {})).rejects.toThrow(/WAL still streams to m2/);
    expect(c.replicationSignals).toEqual(['SIGSTOP m2', 'SIGCONT m2']);
  });
});
