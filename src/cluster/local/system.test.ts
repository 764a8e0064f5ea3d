/** The components' versions, read at once or while a start goes on: the same answers either way. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { componentVersions, postgresVersion, readComponentVersions, type Binaries } from './system.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-versions-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
const fake = (name: string, line: string, delay = 0): string => {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\nsleep ${delay}\necho '${line}'\n`);
  chmodSync(file, 0o755);
  return file;
};
mkdirSync(join(dir, 'pg'));
fake('pg/postgres', 'postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)');
const binaries: Binaries = {
  pgBinDir: join(dir, 'pg'),
  patroni: fake('patroni', 'patroni 3.0.2', 1),
  etcd: fake('etcd', 'etcd Version: 3.4.23', 1),
  haproxy: join(dir, 'no-haproxy'),
};

describe('component versions', () => {
  it('reads each version, and null for a component that does not answer', { timeout: 10_000 }, () => {
    const want = { postgres: '15.20', patroni: '3.0.2', etcd: '3.4.23', haproxy: null };
    expect(componentVersions(binaries)).toEqual(want);
    expect(postgresVersion(binaries)).toBe('15.20');
  });

  it('reads them all together without blocking the event loop', { timeout: 10_000 }, async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 20);
    const t0 = performance.now();
    try {
      expect(await readComponentVersions(binaries)).toEqual({ postgres: '15.20', patroni: '3.0.2', etcd: '3.4.23', haproxy: null });
    } finally {
      clearInterval(timer);
    }
    // patroni and etcd take 1 s each: asked one after another they would take 2 s.
    expect(performance.now() - t0).toBeLessThan(1800);
    expect(ticks).toBeGreaterThan(3);
  });
});
