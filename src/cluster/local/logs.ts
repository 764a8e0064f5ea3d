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

/** The most telling line of a log tail: the last one mentioning an error, else the last one. */
export function telltaleLine(file: string): string {
  const tail = tailLog(file, 60).split('\n');
  const bad = tail.filter((l) => /error|fatal|panic|could not|failed|exception|refused|permission/i.test(l));
  return (bad.at(-1) ?? tail.at(-1) ?? '').trim();
}
