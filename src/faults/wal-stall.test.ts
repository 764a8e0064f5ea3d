import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { MemberHandle } from '../cluster/types.js';
import { proveWalStalled, type WalAccess, type WalReading } from './wal-stall.js';

const at = (bytes: number) => ({ lsn: `0/${bytes.toString(16).toUpperCase()}`, bytes });
const primary = (bytes: number): WalReading => ({ inRecovery: false, position: at(bytes) });
const replica = (bytes: number | null): WalReading => ({ inRecovery: true, position: bytes === null ? null : at(bytes) });

/**
 * Scripted readings: each member answers its list in turn (the last one repeats; an Error is a member that does
 * not answer); `advance` flushes `written` on the primary and records where.
 */
function access(script: Record<string, Array<WalReading | Error>>, written = 0x300): WalAccess & { wrote: string[]; slept: number[] } {
  const wrote: string[] = [];
  const slept: number[] = [];
  const next = (m: MemberHandle): WalReading | Error => {
    const list = script[m.name] ?? [new Error('connection refused')];
    return (list.length > 1 ? list.shift() : list[0]) as WalReading | Error;
  };
  return {
    wrote,
    slept,
    read: async (m) => { const r = next(m); if (r instanceof Error) throw r; return r; },
    advance: async (m) => { wrote.push(m.name); return at(written); },
    sleep: async (ms) => { slept.push(ms); },
  };
}

const cluster = () => new FakeCluster('asynchronous', { failoverAfterMs: null });

describe('proveWalStalled: a paused stream is seen to stall, or the fault fails', () => {
  it('sees a paused replica stay short of WAL written on the primary after the pause, whatever the write load', async () => {
    const a = access({ m1: [primary(0x100)], m2: [replica(0x100)], m3: [replica(0x100)] });
    expect(await proveWalStalled(cluster(), 'm2', a, 2000)).toBe('m2 received WAL position stalled at 0/100 for 2.0 s while m1 flushed 0/300');
    // The WAL that proves it is written on the primary, not the paused member; the window is waited out.
    expect(a.wrote).toEqual(['m1']);
    expect(a.slept).toEqual([2000]);
  });

  it('watches every replica of a paused primary', async () => {
    const a = access({ m1: [primary(0x100)], m2: [replica(0x100)], m3: [replica(0xF0)] });
    expect(await proveWalStalled(cluster(), 'm1', a, 1000)).toBe('m2 received WAL position stalled at 0/100 for 1.0 s while m1 flushed 0/300; m3 received WAL position stalled at 0/F0 for 1.0 s while m1 flushed 0/300');
  });

  it('fails when the replica receives the WAL written after the pause: the stream was not paused', async () => {
    const a = access({ m1: [primary(0x100)], m2: [replica(0x100), replica(0x100), replica(0x300)], m3: [replica(0x100)] });
    await expect(proveWalStalled(cluster(), 'm2', a, 2000)).rejects.toThrow('WAL still streams to m2: it received 0/300, past 0/300 written on m1 after the pause');
  });

  it('fails when one replica of a paused primary still receives, even if another stalls', async () => {
    const a = access({ m1: [primary(0x100)], m2: [replica(0x100)], m3: [replica(0x100), replica(0x100), replica(0x400)] });
    await expect(proveWalStalled(cluster(), 'm1', a, 2000)).rejects.toThrow(/WAL still streams to m3/);
  });

  it('fails when the received position moves in the window, even short of the new WAL', async () => {
    const a = access({ m1: [primary(0x100)], m2: [replica(0x100), replica(0x100), replica(0x200)], m3: [replica(0x100)] });
    await expect(proveWalStalled(cluster(), 'm2', a, 2000)).rejects.toThrow('WAL still streams to m2: its received position moved from 0/100 to 0/200 in 2.0 s after the pause');
  });

  it('fails when a paused primary has no replica to see stall', async () => {
    const a = access({ m1: [primary(0x100)], m2: [new Error('connection refused')], m3: [replica(null)] });
    await expect(proveWalStalled(cluster(), 'm1', a, 2000)).rejects.toThrow('no replica of m1 answered with a received WAL position');
    expect(a.wrote).toEqual([]);
  });

  it('fails when the paused member cannot be read, or there is no single primary to write on', async () => {
    await expect(proveWalStalled(cluster(), 'm2', access({ m1: [primary(1)] }), 10)).rejects.toThrow(/cannot read the WAL position of m2/);
    await expect(proveWalStalled(cluster(), 'm2', access({ m1: [replica(1)], m2: [replica(1)], m3: [replica(1)] }), 10)).rejects.toThrow(/0 members out of recovery/);
    await expect(proveWalStalled(cluster(), 'm2', access({ m1: [primary(1)], m2: [replica(1)], m3: [primary(1)] }), 10)).rejects.toThrow(/2 members out of recovery \(m1, m3\)/);
  });

  it('fails when the primary cannot be written to, rather than calling a stall of nothing a stall', async () => {
    const a = access({ m1: [primary(0x100)], m2: [replica(0x100)] });
    a.advance = async () => { throw new Error('read-only transaction'); };
    await expect(proveWalStalled(cluster(), 'm2', a, 10)).rejects.toThrow('could not write WAL on the primary m1 to see the stall: read-only transaction');
  });
});
