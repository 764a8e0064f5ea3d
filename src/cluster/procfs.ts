/** Reading /proc: process groups, parents, start times and command lines. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  /** One-letter state; Z is a zombie, already dead though still listed. */
  state: string;
  ppid: number;
  pgid: number;
  /** Clock ticks since boot: tells a live process from a reused PID. */
  startTime: string;
  cmdline: string;
}

export function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, state: f[0] ?? '?', ppid: Number(f[1]), pgid: Number(f[2]), startTime: f[19] ?? '', cmdline };
  } catch {
    return undefined; // exited while we looked
  }
}

export function allProcesses(): ProcInfo[] {
  return readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0)
    .map(procInfo)
    .filter((p): p is ProcInfo => p !== undefined);
}

/** The given processes and all their descendants. */
export function withDescendants(roots: number[], procs: ProcInfo[] = allProcesses()): number[] {
  const out = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!out.has(p.pid) && out.has(p.ppid)) {
        out.add(p.pid);
        grew = true;
      }
    }
  }
  return [...out];
}

/** Alive and not a zombie: kill(pid, 0) alone counts zombies as alive. */
export function isRunning(pid: number): boolean {
  const p = procInfo(pid);
  return p !== undefined && p.state !== 'Z';
}
