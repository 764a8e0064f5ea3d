import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
import { removeTempTrees, tempTree } from '../scenario/test-support.js';
import type { EvidenceSpec } from '../scenario/evidence.js';
import { lineTime, logSources, scanEvidence } from './evidence-scan.js';

afterAll(removeTempTrees);

const sources = logSources(['patroni1', 'patroni2', 'patroni3'], ['etcd1']);
const shipped = (name: string): EvidenceSpec => {
  const e = loadScenarioFile(join(import.meta.dirname, '../../scenarios', `${name}.yaml`)).evidence?.[0];
  if (e === undefined) throw new Error(`${name} has no evidence`);
  return e;
};

// Patroni's own lines (patroni/postgresql/rewind.py, Rewind.execute), as docker logs --timestamps copies them.
const at = '2025-06-01T10:00:05.123456789Z 2025-06-01 10:00:05,120';
const LEADER_LOST = `${at} WARNING: Failed to rewind because primary patroni2 become unreachable`;
const HEALTHY_4 = `${at} ERROR: Failed to rewind from healthy primary: patroni2`; // 4.0.4 and later
const HEALTHY_3 = `${at} ERROR: Failed to rewind from healty primary: patroni2`; // 3.0.2 (bookworm) to 4.0.3

function logs(files: Record<string, string>): string {
  return tempTree(Object.fromEntries(Object.entries(files).map(([n, t]) => [`${n}.log`, t])));
}

describe('scanEvidence: what the copied logs hold, per log', () => {
  it('records the first matching line of each log, its time and how many matched', () => {
    const spec = shipped('interrupted-rewind-leader-lost');
    const dir = logs({ patroni1: `${at} INFO: starting\n${LEADER_LOST}\n${LEADER_LOST}\n`, patroni2: 'nothing\n', patroni3: '' });
    expect(scanEvidence(spec, 0, dir, sources, 99)).toEqual({
      kind: 'evidence', t: 99, index: 0, log: 'patroni', matches: spec.matches, read: ['patroni1', 'patroni2', 'patroni3'], missing: [],
      seen: [{ source: 'patroni1', line: LEADER_LOST, at: Date.parse('2025-06-01T10:00:05.123Z'), count: 2 }],
    });
  });

  it('no log at all: every log missing, nothing seen (not a silent "no match")', () => {
    const dir = tempTree({});
    mkdirSync(join(dir, 'patroni2.log')); // a folder where the log should be: unreadable
    expect(scanEvidence(shipped('interrupted-rewind'), 0, dir, sources, 1)).toMatchObject({ read: [], missing: ['patroni1', 'patroni2', 'patroni3'], seen: [] });
  });

  it('the leader-lost expression does not match the healthy-source path, nor the other way round', () => {
    const dir = logs({ patroni1: `${HEALTHY_4}\n${HEALTHY_3}\n`, patroni2: `${LEADER_LOST}\n`, patroni3: '' });
    expect(scanEvidence(shipped('interrupted-rewind-leader-lost'), 0, dir, sources, 1).seen.map((s) => s.source)).toEqual(['patroni2']);
    const healthy = scanEvidence(shipped('interrupted-rewind'), 0, dir, sources, 1);
    expect(healthy.seen).toEqual([{ source: 'patroni1', line: HEALTHY_4, at: Date.parse('2025-06-01T10:00:05.123Z'), count: 2 }]);
  });

  it('the healthy-source expression matches both spellings Patroni has used', () => {
    for (const line of [HEALTHY_3, HEALTHY_4]) {
      expect(scanEvidence(shipped('interrupted-rewind'), 0, logs({ patroni3: `${line}\n` }), sources, 1).seen.map((s) => s.source)).toEqual(['patroni3']);
    }
  });

  it('reads only the component\'s logs: an etcd entry never looks at a member\'s', () => {
    const dir = logs({ patroni1: 'raft elected\n', etcd1: 'nothing\n' });
    expect(scanEvidence({ log: 'etcd', on: 'any', matches: 'elected', why: 'x' }, 0, dir, sources, 1)).toMatchObject({ read: ['etcd1'], seen: [] });
  });
});

describe('lineTime', () => {
  it('reads docker\'s UTC prefix, Patroni\'s local asctime and PostgreSQL\'s zoned time, and nothing else', () => {
    expect(lineTime('2025-06-01T10:00:05.123456789Z x')).toBe(Date.parse('2025-06-01T10:00:05.123Z'));
    expect(lineTime('2025-06-01 10:00:05,120 INFO: x')).toBe(new Date(2025, 5, 1, 10, 0, 5, 120).getTime());
    expect(lineTime('2025-06-01 10:00:05.120 UTC [42] LOG: x')).toBe(Date.parse('2025-06-01T10:00:05.120Z'));
    expect(lineTime('pg_rewind: servers diverged')).toBeUndefined();
  });
});
