import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newCredentials, passwordsOf, writeCredentials } from './credentials.js';
import { buildTopology } from './local/topology.js';

describe('run credentials', () => {
  it('draws every password fresh: no two runs, and no two roles, share one', () => {
    const a = passwordsOf(newCredentials());
    const b = passwordsOf(newCredentials());
    expect(new Set([...a, ...b]).size).toBe(8);
    for (const p of a) expect(p).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('gives each local topology its own passwords', () => {
    const t1 = buildTopology({ runId: 'a', runRoot: '/tmp' }, {});
    const t2 = buildTopology({ runId: 'b', runRoot: '/tmp' }, {});
    expect(t1.credentials.superuser.password).not.toBe(t2.credentials.superuser.password);
    expect(passwordsOf(t1.credentials)).not.toContain('chaos-superuser');
  });

  it('keeps them in the run folder, readable by the owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-cred-'));
    const c = newCredentials();
    const file = writeCredentials(dir, c);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(c);
  });
});
