import { describe, expect, it } from 'vitest';
import { cgroupCpus, limitContainerCpu, type CpuBox } from './cpu.js';

describe('cgroupCpus', () => {
  it.each([
    ['5000 100000\n', 0.05],
    ['max 100000\n', 'none'],
    ['-1 100000', 'none'],
    ['200000 100000', 2],
    ['', undefined],
    ['cat: /sys/fs/cgroup/cpu.max: No such file', undefined],
  ])('reads %j as %j', (text, cpus) => {
    expect(cgroupCpus(text)).toBe(cpus);
  });
});

/**
 * A container as docker 20.10 treats it: `update --cpus N` sets NanoCpus and
 * the cgroup, `--cpus 0` changes nothing (measured), `ignore` makes every
 * update a silent no-op, `cgroupLies` leaves the kernel uncapped.
 */
function fakeBox(o: { nano?: number; ignore?: boolean; cgroupLies?: boolean; frozen?: boolean } = {}): CpuBox & { calls: string[] } {
  let nano = o.nano ?? 0;
  const calls: string[] = [];
  return {
    name: 'pc-run-patroni1',
    calls,
    nanoCpus: async () => {
      calls.push('inspect');
      return nano;
    },
    setCpus: async (cpus) => {
      calls.push(`update --cpus ${cpus}`);
      if (!o.ignore && cpus > 0) nano = Math.round(cpus * 1e9);
    },
    daemonCpus: async () => 2,
    exec: async () => {
      if (o.frozen) return { code: 1, stdout: '', stderr: 'container is paused' };
      const quota = nano === 0 || o.cgroupLies ? 'max' : String(Math.round((nano / 1e9) * 100000));
      return { code: 0, stdout: `${quota} 100000\n`, stderr: '' };
    },
  };
}

describe('limitContainerCpu: the cap is read back, and the cure puts the previous one back', () => {
  it('caps an uncapped container, proves it twice, and restores every CPU of the host (docker cannot remove a cap)', async () => {
    const box = fakeBox();
    const r = await limitContainerCpu(box, 'patroni1', 0.05, async () => 2);
    expect(r.detail).toBe('patroni1: capped at 0.05 CPU (was uncapped; read back NanoCpus 50000000, cgroup quota 0.05 CPU)');
    expect(await r.cure()).toBe('patroni1: CPU cap back to 2 CPU (uncapped before: every CPU of the host); read back NanoCpus 2000000000, cgroup quota 2 CPU');
    // A second cure does nothing more.
    const updates = box.calls.filter((c) => c.startsWith('update')).length;
    await r.cure();
    expect(box.calls.filter((c) => c.startsWith('update'))).toHaveLength(updates);
  });

  it('restores a previous cap exactly', async () => {
    const r = await limitContainerCpu(fakeBox({ nano: 1_500_000_000 }), 'etcd2', 0.1, async () => 2);
    expect(r.detail).toMatch(/^etcd2: capped at 0.1 CPU \(was 1.5 CPU;/);
    expect(await r.cure()).toMatch(/^etcd2: CPU cap back to 1.5 CPU; read back NanoCpus 1500000000/);
  });

  it('fails when docker accepted the update but the cap did not change (a fault that did nothing)', async () => {
    await expect(limitContainerCpu(fakeBox({ ignore: true }), 'patroni1', 0.05, async () => 2))
      .rejects.toThrow('docker update --cpus 0.05 pc-run-patroni1 did not take: NanoCpus reads 0 (want 50000000), the cgroup has no cap');
  });

  it('fails when docker records the cap but the kernel does not enforce it', async () => {
    await expect(limitContainerCpu(fakeBox({ cgroupLies: true }), 'patroni1', 0.05, async () => 2)).rejects.toThrow(/did not take: NanoCpus reads 50000000 \(want 50000000\), the cgroup has no cap/);
  });

  it('says when the cgroup could not be read rather than claim it was', async () => {
    const r = await limitContainerCpu(fakeBox({ frozen: true }), 'patroni1', 0.05, async () => 2);
    expect(r.detail).toContain('cgroup quota unreadable');
  });
});
