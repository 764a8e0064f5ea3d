import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTemplate, stageTemplate, templateDir } from './pg-template.js';
import { copyCommand, INITDB_OPTIONS, initdbFlags } from '../render/patroni.js';

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

/** A stand-in template: one file, base/f, in a 0700 folder. */
function template(root: string): string {
  const tpl = join(root, 'tpl');
  mkdirSync(join(tpl, 'base'), { recursive: true, mode: 0o700 });
  writeFileSync(join(tpl, 'base', 'f'), 'from the template');
  return tpl;
}

describe('copyCommand', () => {
  // Patroni splits the command as a POSIX shell would (shlex), and runs it without a shell.
  const run = (cmd: string) => execFileSync('sh', ['-c', cmd]);
  const mode = (p: string) => execFileSync('stat', ['-c', '%a', p], { encoding: 'utf8' }).trim();

  it('copies the template into a data folder, created or not, when nothing is staged, whatever the quotes in the paths', () => {
    const root = scratch();
    const tpl = template(root);
    for (const data of [join(root, 'data1'), join(root, 'data2')]) {
      if (data.endsWith('2')) mkdirSync(data, { mode: 0o700 });
      run(copyCommand(tpl, data, join(root, 'staged', 'data')));
      expect(readFileSync(join(data, 'base', 'f'), 'utf8')).toBe('from the template');
      expect(mode(data)).toBe('700');
    }
  });

  it('renames the staged copy into the data folder, created or not, and leaves nothing staged', () => {
    const root = scratch();
    const tpl = template(root);
    for (const data of [join(root, 'data1'), join(root, 'data2')]) {
      const staged = join(root, 'staged', 'data');
      mkdirSync(join(staged, 'base'), { recursive: true, mode: 0o700 });
      writeFileSync(join(staged, 'base', 'f'), 'staged');
      if (data.endsWith('2')) mkdirSync(data, { mode: 0o700 });
      run(copyCommand(tpl, data, staged));
      expect(readFileSync(join(data, 'base', 'f'), 'utf8')).toBe('staged');
      expect(mode(data)).toBe('700');
      expect(existsSync(staged)).toBe(false);
    }
  });

  it('without a staging place (docker: the template is in the image), copies the template into a data folder, created or not', () => {
    const root = scratch();
    const tpl = template(root);
    for (const data of [join(root, 'data1'), join(root, 'data2')]) {
      if (data.endsWith('2')) mkdirSync(data, { mode: 0o700 });
      run(copyCommand(tpl, data));
      expect(readFileSync(join(data, 'base', 'f'), 'utf8')).toBe('from the template');
      expect(mode(data)).toBe('700');
    }
  });

  it('fails, so that Patroni reports the bootstrap failed, when the template is missing', () => {
    const root = scratch();
    expect(() => run(copyCommand(join(root, 'no-template'), join(root, 'data')))).toThrow();
  });

  it('does not move the staged copy into a data folder that holds files', () => {
    const root = scratch();
    const tpl = template(root);
    const data = join(root, 'data');
    const staged = join(root, 'staged', 'data');
    mkdirSync(data, { mode: 0o700 });
    writeFileSync(join(data, 'PG_VERSION'), '15');
    mkdirSync(staged, { recursive: true, mode: 0o700 });
    run(copyCommand(tpl, data, staged));
    expect(existsSync(staged)).toBe(true);
    expect(existsSync(join(data, 'data'))).toBe(false);
  });
});

describe('stageTemplate', () => {
  it('stages a whole copy of the template, keeping its mode', async () => {
    const root = scratch();
    const tpl = template(root);
    const staged = join(root, 'run', 'staged', 'data');
    expect(await stageTemplate(tpl, staged, undefined)).toBeUndefined();
    expect(readFileSync(join(staged, 'base', 'f'), 'utf8')).toBe('from the template');
    expect(execFileSync('stat', ['-c', '%a', staged], { encoding: 'utf8' }).trim()).toBe('700');
  });

  it('returns the failure and leaves no copy behind when the template cannot be copied', async () => {
    const root = scratch();
    const staged = join(root, 'run', 'staged', 'data');
    const err = await stageTemplate(join(root, 'no-template'), staged, undefined);
    expect(err?.message).toMatch(/no-template/);
    expect(existsSync(staged)).toBe(false);
    expect(existsSync(`${staged}.tmp`)).toBe(false);
  });

  it('removes its whole copy when it cannot be put in place', async () => {
    const root = scratch();
    const tpl = template(root);
    const staged = join(root, 'run', 'staged', 'data');
    // Something already there and not empty: the copy succeeds, the rename into place does not.
    mkdirSync(join(staged, 'other'), { recursive: true });
    const err = await stageTemplate(tpl, staged, undefined);
    expect(err).toBeDefined();
    expect(existsSync(`${staged}.tmp`)).toBe(false);
    expect(existsSync(join(staged, 'base'))).toBe(false);
  });
});
