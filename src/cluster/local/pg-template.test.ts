import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyCommand, ensureTemplate, initdbFlags, templateDir } from './pg-template.js';
import { INITDB_OPTIONS } from '../render/patroni.js';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));
const scratch = () => {
  const r = mkdtempSync(join(tmpdir(), "pc-tpl it's-"));
  roots.push(r);
  return r;
};

/** A stand-in initdb that makes a data folder and counts its calls. */
function fakeInitdb(root: string): string {
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'initdb'), '#!/bin/sh\necho "$@" >> "$(dirname "$0")/../calls"\nmkdir -m 0700 "$2" && echo 15 > "$2/PG_VERSION"\n');
  chmodSync(join(bin, 'initdb'), 0o755);
  return bin;
}

describe('initdbFlags', () => {
  it('spells the bootstrap.initdb list as Patroni passes it to initdb', () => {
    expect(initdbFlags(INITDB_OPTIONS)).toEqual(['--encoding=UTF8', '--locale=C', '--data-checksums']);
  });
});

describe('templateDir', () => {
  it('is one folder per version, bin dir, flags and superuser', () => {
    const a = templateDir('/r', '15.20', '/usr/lib/postgresql/15/bin', ['--locale=C'], 'postgres', 108);
    expect(a).toMatch(/^\/r\/\.pg-templates\/[0-9a-f]{16}$/);
    expect(templateDir('/r', '15.20', '/usr/lib/postgresql/15/bin', ['--locale=C'], 'postgres', 108)).toBe(a);
    expect(templateDir('/r', '15.21', '/usr/lib/postgresql/15/bin', ['--locale=C'], 'postgres', 108)).not.toBe(a);
    expect(templateDir('/r', '15.20', '/usr/lib/postgresql/15/bin', ['--locale=C', '--data-checksums'], 'postgres', 108)).not.toBe(a);
    expect(templateDir('/r', '15.20', '/usr/lib/postgresql/15/bin', ['--locale=C'], 'admin', 108)).not.toBe(a);
    expect(templateDir('/r', '15.20', '/usr/lib/postgresql/15/bin', ['--locale=C'], 'postgres', 1000)).not.toBe(a);
  });
});

describe('ensureTemplate', () => {
  it('runs initdb once, then reuses the template', () => {
    const root = scratch();
    const bin = fakeInitdb(root);
    const dir = join(root, '.pg-templates', 'k');
    expect(ensureTemplate(dir, bin, ['--locale=C'], 'postgres', undefined)).toBe(dir);
    expect(ensureTemplate(dir, bin, ['--locale=C'], 'postgres', undefined)).toBe(dir);
    expect(readFileSync(join(root, 'calls'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(root, 'calls'), 'utf8')).toMatch(/^-D .+\/k\.tmp-\d+-[0-9a-f]+ --username=postgres --locale=C$/m);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
  });

  it('leaves no half-made template behind when initdb fails', () => {
    const root = scratch();
    const dir = join(root, '.pg-templates', 'k');
    expect(() => ensureTemplate(dir, join(root, 'no-bin'), [], 'postgres', undefined)).toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});

describe('copyCommand', () => {
  it('copies the template into a data folder, created or not, whatever the quotes in the paths', () => {
    const root = scratch();
    const tpl = join(root, 'tpl');
    mkdirSync(join(tpl, 'base'), { recursive: true, mode: 0o700 });
    writeFileSync(join(tpl, 'base', 'f'), 'x');
    for (const data of [join(root, 'data1'), join(root, 'data2')]) {
      if (data.endsWith('2')) mkdirSync(data, { mode: 0o700 });
      // Patroni splits the command as a POSIX shell would (shlex), and runs it without a shell.
      execFileSync('sh', ['-c', copyCommand(tpl, data)]);
      expect(readFileSync(join(data, 'base', 'f'), 'utf8')).toBe('x');
      expect(execFileSync('stat', ['-c', '%a', data], { encoding: 'utf8' }).trim()).toBe('700');
    }
  });
});
