import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRuns, writeRunRecord } from './run-record.js';

const root = mkdtempSync(join(tmpdir(), 'pc-runs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('listRuns', () => {
  it('lists run folders, with or without a record, but not the provider caches in dot folders', () => {
    mkdirSync(join(root, 'run1'));
    writeRunRecord({ runId: 'run1', runDir: join(root, 'run1'), ownerPid: 1, ownerStartTime: null, portBase: 7000, createdAt: '', state: 'running' });
    mkdirSync(join(root, 'run2'));
    mkdirSync(join(root, '.pg-templates', 'abc'), { recursive: true });
    expect(listRuns(root).map((r) => [r.runDir, r.record?.runId]).sort()).toEqual([[join(root, 'run1'), 'run1'], [join(root, 'run2'), undefined]]);
  });
});
