import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { telltaleLine } from './logs.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('telltaleLine', () => {
  it('finds PostgreSQL\'s FATAL line behind a hundred lines of Patroni retrying, as a failed start logs it', () => {
    const file = join(dir, 'patroni2.log');
    const retries = Array.from({ length: 114 }, (_, i) => `2026-11-25 09:50:${String(i % 60).padStart(2, '0')},000 INFO: Lock owner: None; I am patroni2`);
    writeFileSync(file, [
      '2026-11-25 09:50:03.450 UTC [21286] FATAL:  could not access file "no_such_library": No such file or directory',
      '2026-11-25 09:50:05,478 ERROR: postmaster is not running',
      ...retries,
    ].join('\n'));
    expect(telltaleLine(file)).toContain('FATAL:  could not access file "no_such_library"');
  });

  it('falls back to the last line, and says when there is no log', () => {
    const file = join(dir, 'quiet.log');
    writeFileSync(file, 'one\ntwo\n');
    expect(telltaleLine(file)).toBe('two');
    expect(telltaleLine(join(dir, 'absent.log'))).toBe(`(no log at ${join(dir, 'absent.log')})`);
  });
});
