/** One word for a POSIX shell, or for Patroni, which splits its commands with Python's shlex. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}
