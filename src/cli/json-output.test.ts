import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { passingRun, run } from '../report/test-fixture.js';
import { writeRunReport, writeSuiteSummary } from '../report/write.js';
import { versionText, type VersionJson } from './components.js';
import { main } from './main.js';

const PKG = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const root = mkdtempSync(join(tmpdir(), 'pc-cli-json-'));
afterAll(() => { rmSync(root, { recursive: true, force: true }); });

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout += String(chunk); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true; });
});
afterEach(() => { vi.restoreAllMocks(); });

describe('--version', () => {
  it('prints the harness version, as text or as one JSON document', async () => {
    expect(await main(['--version'])).toBe(0);
    expect(stdout).toBe(`patroni-chaos ${PKG.version}\n`);
    stdout = '';
    expect(await main(['-V', '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ patroni_chaos: PKG.version });
  });

  it('with --components --report, reads the versions every run of a suite recorded, grouped for people', async () => {
    const suite = join(root, 'suite');
    const a = join(suite, '01-kill-primary-1');
    const b = join(suite, '01-kill-primary-2');
    await writeRunReport(a, run());
    await writeRunReport(b, passingRun(12_000, { iteration: 2 }));
    await writeSuiteSummary(suite, 'nightly', [{ run: run(), dir: a }, { run: passingRun(12_000, { iteration: 2 }), dir: b }]);
    expect(await main(['--version', '--components', '--report', suite, '--json'])).toBe(0);
    const j = JSON.parse(stdout) as VersionJson;
    expect(j.components?.map((c) => [c.source, c.provider, c.scenario, c.iteration, c.versions.patroni])).toEqual([
      ['report', 'local', 'kill-primary', 1, '3.3.2'], ['report', 'local', 'kill-primary', 2, '3.3.2'],
    ]);
    stdout = '';
    expect(await main(['--version', '--components', '--report', suite])).toBe(0);
    expect(stdout).toBe(`patroni-chaos ${PKG.version}\n${suite} (local; 2 runs): Patroni 3.3.2 PostgreSQL 15.8, etcd 3.5.16, HAProxy ?\n`);
  });

  it('refuses a folder that holds no report, and --components without --version, as invalid input', async () => {
    expect(await main(['--version', '--components', '--report', join(root, 'nothing')])).toBe(2);
    expect(stderr).toContain('--report: ');
    expect(await main(['--components'])).toBe(2);
    expect(await main(['no-such-command'])).toBe(2);
    expect(stdout).toBe('');
  });
});

describe('versionText', () => {
  it('lists each member\'s Patroni and PostgreSQL under its cluster, as patronictl version does', () => {
    const j: VersionJson = {
      patroni_chaos: '0.1.0',
      components: [{ source: 'cluster', name: 'r1', provider: 'docker', versions: { patroni: '4.0.7', postgres: '17.6', etcd: '3.5.16', haproxy: '3.0.11' },
        members: [{ name: 'patroni1', patroni: '4.0.7', postgres: '17.6' }, { name: 'patroni2', patroni: null, postgres: null }] }],
    };
    expect(versionText(j)).toBe('patroni-chaos 0.1.0\ndocker cluster r1:\n  patroni1: Patroni 4.0.7 PostgreSQL 17.6\n  patroni2: Patroni ? PostgreSQL ?\n  etcd 3.5.16, HAProxy 3.0.11');
  });
});

describe('list --json', () => {
  it('prints every scenario and suite as one JSON document, with full descriptions and a suite\'s scenarios', async () => {
    expect(await main(['list', '--json'])).toBe(0);
    const entries = JSON.parse(stdout) as Array<{ file: string; kind: string; name: string; tags: string[]; description: string; scenarios?: Array<{ name: string }> }>;
    const kill = entries.find((e) => e.file === 'kill-primary.yaml');
    expect(kill).toMatchObject({ kind: 'scenario', name: 'kill-primary', tags: expect.arrayContaining(['nightly']) });
    expect(kill?.description.length).toBeGreaterThan(40);
    const nightly = entries.find((e) => e.file === 'nightly.yaml');
    expect(nightly?.kind).toBe('suite');
    expect(nightly?.scenarios?.map((s) => s.name)).toContain('kill-primary');
    expect(entries.some((e) => e.file === 'known-findings.yaml')).toBe(false);
  });
});
