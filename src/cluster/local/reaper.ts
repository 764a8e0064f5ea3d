import { allProcesses, isRunning, type ProcInfo } from './procfs.js';
import { listRuns, ownerAlive, processesOfRun, readRunRecord, writeRunRecord } from './run-record.js';

/** SIGKILL every process of a run, waiting until they are gone. Returns how many there were. */
export async function killRunProcesses(runDir: string, timeoutMs = 10_000, procs?: ProcInfo[]): Promise<number> {
  const pids = processesOfRun(runDir, procs);
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
  // One look at /proc for all of them: a run root holds hundreds of old runs, some without a record.
  const procs = allProcesses();
  for (const { runDir } of orphans) {
    const killed = await killRunProcesses(runDir, undefined, procs);
    if (killed > 0) reaped.push({ runDir, killed });
    const current = readRunRecord(runDir);
    if (current !== undefined) writeRunRecord({ ...current, state: 'stopped' });
  }
  return reaped;
}
