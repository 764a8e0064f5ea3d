/**
 * Patroni's launch: loaded early, run only once the gate exists, and then
 * with Patroni's own argv; anything that is not a Python entry script is
 * started as it is (ungated), never wrapped in a Python it is not.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { patroniLaunch, PATRONI_PRELOAD, pythonInterpreter } from './patroni-launch.js';

const scratch = mkdtempSync(join(tmpdir(), 'pc-patroni-launch-'));
afterAll(() => { rmSync(scratch, { recursive: true, force: true }); });

const script = (name: string, text: string): string => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
};

describe('pythonInterpreter', () => {
  it('reads a Python #! line, with its options', () => {
    expect(pythonInterpreter('#!/usr/bin/python3')).toEqual(['/usr/bin/python3']);
    expect(pythonInterpreter('#!/opt/venv/bin/python3.11 -s')).toEqual(['/opt/venv/bin/python3.11', '-s']);
    expect(pythonInterpreter('#! /usr/bin/env python3')).toEqual(['/usr/bin/env', 'python3']);
  });

  it('is undefined for anything else: a shell wrapper, env with options, a binary, an empty #!', () => {
    expect(pythonInterpreter('#!/bin/sh')).toBeUndefined();
    expect(pythonInterpreter('#!/usr/bin/env -S python3 -s')).toBeUndefined();
    expect(pythonInterpreter('#!/usr/bin/env bash')).toBeUndefined();
    expect(pythonInterpreter('\u007fELF\u0002\u0001')).toBeUndefined();
    expect(pythonInterpreter('#!')).toBeUndefined();
    expect(pythonInterpreter('')).toBeUndefined();
    expect(pythonInterpreter('#!/usr/local/bin/mypython-wrapper')).toBeUndefined();
  });
});

describe('patroniLaunch', () => {
  it('preloads a Python entry script under its own interpreter and gates it', () => {
    const patroni = script('patroni-py', '#!/usr/bin/python3\nimport sys\n');
    expect(patroniLaunch(patroni, '/run/p1/patroni.yml', '/run/gate')).toEqual({
      command: '/usr/bin/python3', args: ['-c', PATRONI_PRELOAD, '/run/gate', '/run/p1/patroni.yml'], gated: true,
    });
  });

  it('starts a wrapper, or a file it cannot read, as it is and ungated', () => {
    const wrapper = script('patroni-sh', '#!/bin/sh\nexec /opt/patroni "$@"\n');
    expect(patroniLaunch(wrapper, '/run/p1/patroni.yml', '/run/gate')).toEqual({ command: wrapper, args: ['/run/p1/patroni.yml'], gated: false });
    const missing = join(scratch, 'no-such-patroni');
    expect(patroniLaunch(missing, '/run/p1/patroni.yml', '/run/gate')).toEqual({ command: missing, args: ['/run/p1/patroni.yml'], gated: false });
  });
});

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'pass']);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!python)('PATRONI_PRELOAD (with a stand-in patroni package)', () => {
  // A patroni package whose main() records the argv it ran with, and whose HA module fails to import.
  const lib = join(scratch, 'lib');
  mkdirSync(join(lib, 'patroni'), { recursive: true });
  writeFileSync(join(lib, 'patroni', '__init__.py'), '');
  writeFileSync(join(lib, 'patroni', 'ha.py'), 'raise ImportError("not in this version")\n');
  writeFileSync(join(lib, 'patroni', '__main__.py'), [
    'import sys',
    'def main():',
    "    open(sys.argv[-1] + '.ran', 'w').write(' '.join(sys.argv))",
    '    return 3',
  ].join('\n'));

  it('runs main() only once the gate exists, with Patroni\'s argv, and exits with its code', async () => {
    const gate = join(scratch, 'gate');
    const config = join(scratch, 'patroni.yml');
    const child = spawn('python3', ['-c', PATRONI_PRELOAD, gate, config], { env: { ...process.env, PYTHONPATH: lib } });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 400));
    expect(existsSync(`${config}.ran`)).toBe(false);
    expect(child.exitCode).toBeNull();
    // Named as Patroni's entry script would be: the docker entrypoint and its faults find it by that name (pgrep -x, docker top).
    if (existsSync(`/proc/${child.pid}/comm`)) expect(readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim()).toBe('patroni');
    writeFileSync(gate, '');
    expect(await exited).toBe(3);
    expect(readFileSync(`${config}.ran`, 'utf8')).toBe(`patroni ${config}`);
  });
});
