/**
 * Where the CLI's words go. With --json, stdout carries one JSON document
 * and nothing else, so a pipe into jq always parses; everything meant for a
 * person (progress, verdict lines) goes to stderr instead.
 */
export type Say = (text: string) => void;

export const toStdout: Say = (text) => { process.stdout.write(text); };
export const toStderr: Say = (text) => { process.stderr.write(text); };

/** Writes a command's machine-readable result: one JSON document on stdout. */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
