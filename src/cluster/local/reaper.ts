import { allProcesses, isRunning } from '../procfs.js';
import { listRuns, ownerAlive, processesOfRun, readRunRecord, writeRunRecord } from './run-record.js';

/** SIGKILL every process of a run, waiting until they are gone. Returns how many there were. */
export async function killRunProcesses(runDir: string, timeoutMs = 10_000): Promise<number> {
  const pids = processesOfRun(runDir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return pids.length;
}

/** Reaps the runs whose owning harness process is dead (a crash or a SIGKILL). */
export async function reapOrphanedRuns(root?: string): Promise<{ runDir: string; killed: number }[]> {
  const reaped: { runDir: string; killed: number }[] = [];
  const orphans = listRuns(root).filter(({ record }) => record === undefined || (record.state !== 'stopped' && !ownerAlive(record)));
  if (orphans.length === 0) return reaped;
  // One look at /proc to find which of them left processes (a run root holds hundreds of old runs,
  // some without a record); those are looked at again just before their kill, as reaping one can take seconds.
  const procs = allProcesses();
  for (const { runDir } of orphans) {
    const killed = processesOfRun(runDir, procs).length === 0 ? 0 : await killRunProcesses(runDir);
    if (killed > 0) reaped.push({ runDir, killed });
    const current = readRunRecord(runDir);
    if (current !== undefined) writeRunRecord({ ...current, state: 'stopped' });
  }
  return reaped;
}
