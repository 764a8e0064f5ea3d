/**
 * What a run started, written to its run folder, so that the next start (or
 * `cluster down`) can reap what a killed harness left behind. Processes are
 * found by the run folder in their command line: every component's config
 * or data path lies inside it, so a reused PID of a stranger never matches.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { allProcesses, isRunning, procInfo, withDescendants } from '../procfs.js';
import { join } from 'node:path';
import { runRoot } from '../run-root.js';

export interface RunRecord {
  runId: string;
  runDir: string;
  ownerPid: number;
  ownerStartTime: string | null;
  portBase: number;
  createdAt: string;
  state: 'starting' | 'running' | 'stopped';
  endpoints?: Record<string, string>;
}

const RECORD = 'run.json';

export function writeRunRecord(r: RunRecord): void {
  writeFileSync(join(r.runDir, RECORD), `${JSON.stringify(r, null, 2)}\n`);
}

export function readRunRecord(runDir: string): RunRecord | undefined {
  const file = join(runDir, RECORD);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  } catch {
    return undefined; // a record torn by a crash mid-write is treated as absent; its processes are still found by path
  }
}

export function processStartTime(pid: number): string | null {
  return procInfo(pid)?.startTime ?? null;
}

export function ownerAlive(r: RunRecord): boolean {
  return isRunning(r.ownerPid) && processStartTime(r.ownerPid) === r.ownerStartTime;
}

/**
 * PIDs of live processes whose command line mentions the run folder, and
 * their descendants (PostgreSQL's backends rename themselves and would
 * otherwise escape).
 */
export function processesOfRun(runDir: string, procs = allProcesses()): number[] {
  const needle = `${runDir}/`;
  const roots = procs.filter((p) => p.pid !== process.pid && p.cmdline.includes(needle)).map((p) => p.pid);
  return withDescendants(roots, procs);
}

/**
 * Every run folder under the root with its record (runs whose record is
 * missing are included). Dot folders are the provider's caches (.pg-templates), not runs.
 */
export function listRuns(root = runRoot()): { runDir: string; record: RunRecord | undefined }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => join(root, d.name))
    .map((runDir) => ({ runDir, record: readRunRecord(runDir) }));
}
