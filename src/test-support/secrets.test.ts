import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesContaining } from './secrets.js';

describe('filesContaining (the secrets-leak check)', () => {
  it('finds a password planted deep in a report folder, and nothing in a clean one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-secrets-'));
    mkdirSync(join(dir, 'run', 'logs'), { recursive: true });
    writeFileSync(join(dir, 'run', 'report.json'), '{"verdict":"pass"}');
    writeFileSync(join(dir, 'run', 'logs', 'patroni1.log'), 'connecting with password=Zx9_secret-value\n');
    expect(filesContaining(dir, ['nope', 'Zx9_secret-value'])).toEqual([`${join(dir, 'run', 'logs', 'patroni1.log')} (password 1)`]);
    expect(filesContaining(dir, ['absent'])).toEqual([]);
  });
});
