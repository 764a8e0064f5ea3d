import { readFileSync } from 'node:fs';

/** The last lines of a component's log, for error messages that name what went wrong. */
export function tailLog(file: string, lines = 12): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/** From most to least telling: PostgreSQL's own fatal lines beat the Python traceback that follows them. */
const TELLING = [/\b(FATAL|PANIC):/, /\bERROR:|could not|permission denied/i, /error|fatal|failed|exception|refused/i];

/**
 * The most telling line of a log's end, else its last line. The window is
 * wide: a node that failed to start (a missing preload library) logs
 * PostgreSQL's FATAL line and then a hundred lines of Patroni retrying.
 */
export function telltaleLine(file: string): string {
  const tail = tailLog(file, 400).split('\n');
  for (const re of TELLING) {
    const hit = tail.filter((l) => re.test(l)).at(-1);
    if (hit !== undefined) return hit.trim();
  }
  return (tail.at(-1) ?? '').trim();
}
