/** What an exec step runs, with its placeholders filled in: pure, so the runner and the reports say the same. */
import type { ExecStep } from './types.js';

/** The values an exec step's placeholders take when it runs. */
export interface ExecValues {
  scope: string;
  member: string;
  /** The leader key's holder when the step starts; null when there is none. */
  leader: string | null;
}

const PLACEHOLDER = /\{(scope|member|leader)\}/g;

/**
 * The argv to run: a string command under `sh -c` (globs and `;` work as in
 * the runbook), a list as it is. A `{leader}` with no leader is an error,
 * not an empty string: `patronictl failover --candidate ` would mean something else.
 */
export function execArgv(step: Pick<ExecStep, 'command'>, v: ExecValues): string[] {
  const fill = (s: string) => s.replace(PLACEHOLDER, (_, key: keyof ExecValues) => {
    const value = v[key];
    if (value === null) throw new Error('the command names {leader} and no member holds the leader key');
    return value;
  });
  return typeof step.command === 'string' ? ['sh', '-c', fill(step.command)] : step.command.map(fill);
}

export function describeExec(step: Pick<ExecStep, 'on' | 'command'>): string {
  const command = typeof step.command === 'string' ? step.command : step.command.join(' ');
  return `exec on ${step.on}: ${command}`;
}

/** The last line or so of a command's output, on one line, for a report cell; tables (patronictl list's) are left out. */
export function outputTail(stdout: string, stderr: string, max = 160): string {
  const text = `${stdout}\n${stderr}`.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^[+|]/.test(l)).join(' / ');
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}
