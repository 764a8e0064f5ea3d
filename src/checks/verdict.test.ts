import { describe, expect, it } from 'vitest';
import type { CheckResult } from './metrics.js';
import type { MetricName, SlaResult } from './sla-types.js';
import { verdictOf } from './verdict.js';

const line = (metric: MetricName, pass: boolean, observed: number | null = pass ? 0 : 1): SlaResult => ({
  metric,
  threshold: '== 0',
  observed,
  pass,
});

const producedBy = new Map<MetricName, string>([
  ['rto_ms', 'failover'],
  ['lost_writes', 'set'],
  ['max_concurrent_primaries', 'split-brain'],
]);

const ok: CheckResult[] = [
  { name: 'failover', valid: true },
  { name: 'set', valid: true },
  { name: 'split-brain', valid: true },
];

const withUnknown = (name: string): CheckResult[] =>
  ok.map((c) => (c.name === name ? { name, valid: 'unknown', error: 'boom' } : c));

describe('verdict', () => {
  it('passes when every line holds', () => {
    expect(verdictOf([line('rto_ms', true), line('lost_writes', true)], ok, producedBy)).toBe('pass');
  });

  it('passes with no SLA lines at all', () => {
    expect(verdictOf([], ok, producedBy)).toBe('pass');
  });

  it('fails when a measured line fails', () => {
    expect(verdictOf([line('rto_ms', true), line('lost_writes', false)], ok, producedBy)).toBe('fail');
  });

  it('fails on an unmeasured line whose check decided (never recovered)', () => {
    expect(verdictOf([line('rto_ms', false, null)], ok, producedBy)).toBe('fail');
  });

  it('is an error when a line depends on a check that could not decide', () => {
    expect(verdictOf([line('rto_ms', true), line('lost_writes', false, null)], withUnknown('set'), producedBy)).toBe('error');
  });

  it('ignores an unknown check that no line depends on', () => {
    expect(verdictOf([line('rto_ms', true)], withUnknown('set'), producedBy)).toBe('pass');
  });

  it('lets a real failure win over an error', () => {
    expect(verdictOf([line('rto_ms', false), line('lost_writes', false, null)], withUnknown('set'), producedBy)).toBe('fail');
  });

  it('ignores invalid checks the SLA does not ask about', () => {
    const invalidSet = ok.map((c) => (c.name === 'set' ? { ...c, valid: false as const } : c));
    expect(verdictOf([line('rto_ms', true)], invalidSet, producedBy)).toBe('pass');
  });
});
