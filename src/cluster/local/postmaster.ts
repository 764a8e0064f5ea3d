import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '../procfs.js';

/** The postmaster's PID from postmaster.pid, if that process is alive. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isRunning(pid) ? pid : undefined;
  } catch {
    return undefined; // no postmaster.pid: PostgreSQL is not running
  }
}

