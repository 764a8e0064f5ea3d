/**
 * CPU caps on a container, as `docker update --cpus` sets them, each proven
 * by reading it back twice: docker's own record (HostConfig.NanoCpus) and
 * the kernel's, the CFS quota of the container's cgroup (v2 cpu.max, v1
 * cpu.cfs_quota_us / cpu.cfs_period_us), read from inside.
 */
import { HarnessError } from '../../errors.js';
import type { Container } from './container.js';

/** What the cap needs of a container: docker's record of its cap, the update, a command inside it, the daemon's CPUs. */
export type CpuBox = Pick<Container, 'name' | 'nanoCpus' | 'setCpus' | 'exec' | 'daemonCpus'>;

/** Prints the cgroup's quota and period, v2 first: "max 100000", "5000 100000", or v1's "-1 100000". */
const CGROUP_READ = 'cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"';

/** The CPUs a cgroup's "quota period" line allows; 'none' without a cap; undefined when the text is not one. */
export function cgroupCpus(text: string): number | 'none' | undefined {
  const m = /^(max|-1|\d+)\s+(\d+)\s*$/.exec(text.trim());
  if (m === null) return undefined;
  if (m[1] === 'max' || m[1] === '-1') return 'none';
  const period = Number(m[2]);
  return period > 0 ? Number(m[1]) / period : undefined;
}

interface CpuReading {
  /** docker's record: 0 when the container has no --cpus cap. */
  nanoCpus: number;
  /** The kernel's; undefined when it could not be read (a frozen container takes no exec). */
  cgroup: number | 'none' | undefined;
}

async function readCpu(box: CpuBox): Promise<CpuReading> {
  const nanoCpus = await box.nanoCpus();
  const r = await box.exec(['sh', '-c', CGROUP_READ], { user: 'root', timeoutMs: 30_000 }).catch(() => undefined);
  return { nanoCpus, cgroup: r !== undefined && r.code === 0 ? cgroupCpus(r.stdout) : undefined };
}

/** Sets the cap and returns the proof; throws when either record disagrees with what was asked. */
async function setCpus(box: CpuBox, cpus: number): Promise<string> {
  await box.setCpus(cpus);
  const after = await readCpu(box);
  const want = Math.round(cpus * 1e9);
  const cgroupOk = after.cgroup === undefined || (after.cgroup !== 'none' && Math.abs(after.cgroup - cpus) < 0.001);
  if (after.nanoCpus !== want || !cgroupOk) {
    const kernel = after.cgroup === 'none' ? 'has no cap' : `allows ${String(after.cgroup)} CPU`;
    throw new HarnessError('FAULT_FAILED', `docker update --cpus ${cpus} ${box.name} did not take: NanoCpus reads ${after.nanoCpus} (want ${want}), the cgroup ${kernel}`);
  }
  return `NanoCpus ${after.nanoCpus}, cgroup quota ${after.cgroup === undefined ? 'unreadable' : `${after.cgroup} CPU`}`;
}

const asCpus = (nano: number) => `${nano / 1e9} CPU`;

/**
 * Caps a container at `cpus` CPUs. The cure restores the previous cap; an
 * uncapped container gets every CPU of the daemon's host instead, because
 * docker 20.10 cannot remove a --cpus cap (`docker update --cpus 0` leaves
 * it as it was) and that is the same limit in effect.
 */
export async function limitContainerCpu(box: CpuBox, logical: string, cpus: number, hostCpus: () => Promise<number>): Promise<{ cure: () => Promise<string>; detail: string }> {
  const before = await readCpu(box);
  const proof = await setCpus(box, cpus);
  let cured: Promise<string> | undefined;
  return {
    detail: `${logical}: capped at ${cpus} CPU (was ${before.nanoCpus === 0 ? 'uncapped' : asCpus(before.nanoCpus)}; read back ${proof})`,
    cure: () => {
      cured ??= (async () => {
        const back = before.nanoCpus > 0 ? before.nanoCpus / 1e9 : await hostCpus();
        const p = await setCpus(box, back);
        return `${logical}: CPU cap back to ${back} CPU${before.nanoCpus === 0 ? ' (uncapped before: every CPU of the host)' : ''}; read back ${p}`;
      })();
      return cured;
    },
  };
}

/** The CPUs of the daemon's host (`docker info`), the cap that is no cap. */
export async function daemonCpus(box: CpuBox): Promise<number> {
  const n = await box.daemonCpus();
  if (!(n > 0)) throw new HarnessError('FAULT_FAILED', `docker info reports ${n} CPUs`);
  return n;
}
