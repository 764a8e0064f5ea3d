/**
 * The local provider's start up to its first process, with the machine's
 * binaries faked: a run's id and folder are its own, and a start refused by
 * a stop already under way made nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'pc-local-start-'));
afterAll(() => { rmSync(root, { recursive: true, force: true }); });
const hooks = { beforePortCheck: async (): Promise<void> => undefined };

vi.mock('./system.js', async (importOriginal) => ({
  ...await importOriginal<typeof import('./system.js')>(),
  findBinaries: () => ({ patroni: '/nonexistent/patroni', etcd: '/nonexistent/etcd', haproxy: '/nonexistent/haproxy', pgBinDir: '/nonexistent/pg' }),
  componentVersions: () => ({ postgres: null, patroni: null, etcd: null, haproxy: null }),
  readComponentVersions: async () => ({ postgres: null, patroni: null, etcd: null, haproxy: null }),
  postgresVersion: () => null,
  postgresUser: () => undefined,
}));
vi.mock('./ports.js', () => ({ assertPortsFree: async () => { await hooks.beforePortCheck(); } }));

let mods: { provider: typeof import('./provider.js'); shutdown: typeof import('../../cli/shutdown.js') };
beforeEach(async () => {
  vi.resetModules();
  mods = { provider: await import('./provider.js'), shutdown: await import('../../cli/shutdown.js') };
  hooks.beforePortCheck = async () => undefined;
});

describe('local provider: a run\'s id and folder are its own', () => {
  it('gives every run its own id: a timestamp and 6 random bytes', () => {
    expect(mods.provider.newRunId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{12}$/);
    expect(mods.provider.newRunId()).not.toBe(mods.provider.newRunId());
  });

  it('takes another id when the run folder exists: two runs started at once never share a folder', () => {
    const dir = join(root, 'claims');
    mkdirSync(join(dir, 'taken'), { recursive: true });
    const ids = ['taken', 'fresh'];
    expect(mods.provider.claimRunDir(dir, 'taken', () => ids.shift() ?? 'none')).toBe('fresh');
    expect(readdirSync(dir).sort()).toEqual(['fresh', 'taken']);
    // Ids that keep clashing end in an error rather than a shared folder.
    expect(() => mods.provider.claimRunDir(dir, 'taken', () => 'taken')).toThrow(/cannot make a run folder/);
  });

  it('makes nothing, not even the run folder, when a stop of everything began while it checked its ports', async () => {
    const runs = join(root, 'refused');
    hooks.beforePortCheck = async () => { void mods.shutdown.stopEverything(); };
    await expect(new mods.provider.LocalProvider({ runRoot: runs, portBase: 47000 }).start()).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
  });
});
