/** How the local provider starts Patroni: preloaded and gated (render/patroni-preload.ts) when it is a Python entry script. */
import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { PATRONI_PRELOAD } from '../render/patroni-preload.js';

export { PATRONI_PRELOAD };

/**
 * The interpreter (and its arguments) of a Python entry script's `#!` line, or
 * undefined when the script is not one (a wrapper, a binary): it is then started
 * as it is, once the gate would open.
 */
export function pythonInterpreter(firstLine: string): string[] | undefined {
  if (!firstLine.startsWith('#!')) return undefined;
  const words = firstLine.slice(2).trim().split(/\s+/).filter((w) => w !== '');
  const [command] = words;
  if (command === undefined) return undefined;
  const python = (w: string | undefined) => w !== undefined && /^python[0-9.]*$/.test(basename(w));
  if (python(command)) return words;
  // `#!/usr/bin/env python3`, without options to env (`env -S ...` splits differently).
  if (basename(command) === 'env' && words.length === 2 && python(words[1])) return words;
  return undefined;
}

export interface PatroniLaunch {
  command: string;
  args: string[];
  /** Whether the process waits for the gate file before Patroni runs. */
  gated: boolean;
}

/** The command that starts Patroni with `configFile`: preloaded and gated when `patroni` is a Python entry script. */
export function patroniLaunch(patroni: string, configFile: string, gate: string): PatroniLaunch {
  let first = '';
  try {
    // Its first 256 bytes only: a `patroni` that is a binary (a bundled build) can be tens of MB.
    const fd = openSync(patroni, 'r');
    try {
      const head = Buffer.alloc(256);
      first = head.subarray(0, readSync(fd, head, 0, 256, 0)).toString('utf8').split('\n')[0] ?? '';
    } finally {
      closeSync(fd);
    }
  } catch {
    // unreadable: started as it is
  }
  const python = pythonInterpreter(first);
  if (python === undefined) return { command: patroni, args: [configFile], gated: false };
  const [command, ...options] = python as [string, ...string[]];
  return { command, args: [...options, '-c', PATRONI_PRELOAD, gate, configFile], gated: true };
}
