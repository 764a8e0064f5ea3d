/**
 * How the local provider starts Patroni. Patroni's Python and its modules
 * take a few tenths of a second to load (a second on a loaded machine), and
 * Patroni must not run before etcd serves: its etcd client waits 5 s after a
 * first refused contact. So the interpreter is started with etcd, loads
 * Patroni, and waits for the run's gate file; the harness makes the file once
 * etcd is healthy (and the leader's data template staged), and Patroni's own
 * main() then runs exactly as its entry script would run it.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Loads what Patroni's main() imports, waits for the gate (argv[1]), then runs
 * main() with the rest of argv as Patroni's. A module that a version lacks is
 * left to main() to import (or not): loading it early only saves time.
 */
export const PATRONI_PRELOAD = [
  'import os, sys, time',
  "gate, sys.argv = sys.argv[1], ['patroni'] + sys.argv[2:]",
  'from patroni.__main__ import main',
  "for m in ('patroni.psycopg', 'patroni.config', 'patroni.validator', 'patroni.api', 'patroni.dcs', 'patroni.dcs.etcd3', 'patroni.ha', 'patroni.postgresql', 'patroni.request', 'patroni.watchdog'):",
  '    try:',
  '        __import__(m)',
  '    except Exception:',
  '        pass',
  'while not os.path.exists(gate):',
  '    time.sleep(0.01)',
  'sys.exit(main())',
].join('\n');

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
    first = readFileSync(patroni, 'utf8').slice(0, 256).split('\n')[0] ?? '';
  } catch {
    // unreadable: started as it is
  }
  const python = pythonInterpreter(first);
  if (python === undefined) return { command: patroni, args: [configFile], gated: false };
  const [command, ...options] = python as [string, ...string[]];
  return { command, args: [...options, '-c', PATRONI_PRELOAD, gate, configFile], gated: true };
}
