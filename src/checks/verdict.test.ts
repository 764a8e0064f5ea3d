import { describe, expect, it } from 'vitest';
import type { CheckResult } from './metrics.js';
import type { MetricName, SlaResult, SlaStatus } from '../sla/types.js';
import { verdictOf } from './verdict.js';

const line = (metric: MetricName, status: SlaStatus, observed: number | null = status === 'pass' ? 0 : 1): SlaResult => ({
  metric,
  threshold: '== 0',
  observed,
  pass: status === 'pass',
  status,
});

const ok: CheckResult[] = [
  { name: 'failover', valid: true },
  { name: 'set', valid: true },
  { name: 'split-brain', valid: true },
];

const withValidity = (name: string, valid: CheckResult['valid']): CheckResult[] =>
  ok.map((c) => (c.name === name ? { name, valid, error: 'boom' } : c));

describe('verdict', () => {
  it('passes when every line holds', () => {
    expect(verdictOf([line('rto_ms', 'pass'), line('lost_writes', 'pass')], ok)).toBe('pass');
  });

  it('fails when a line fails, including an unmeasured line whose check decided (never recovered)', () => {
    expect(verdictOf([line('rto_ms', 'pass'), line('lost_writes', 'fail')], ok)).toBe('fail');
    expect(verdictOf([line('rto_ms', 'fail', null)], ok)).toBe('fail');
  });

  it('is an error, never a pass, when a line could not be judged', () => {
    expect(verdictOf([line('rto_ms', 'pass'), line('lost_writes', 'unknown', null)], withValidity('set', 'unknown'))).toBe('error');
  });

  it('is an error, never a pass, when any check had no evidence, even one no line names (issue 11, case 5)', () => {
    expect(verdictOf([line('rto_ms', 'pass')], withValidity('split-brain', 'unknown'))).toBe('error');
    expect(verdictOf([], withValidity('set', 'unknown'))).toBe('error');
  });

  it('lets a real failure win over an error', () => {
    expect(verdictOf([line('rto_ms', 'fail'), line('lost_writes', 'unknown', null)], withValidity('set', 'unknown'))).toBe('fail');
  });

  it('does not count a known finding or a line deferred to the iterations', () => {
    expect(verdictOf([line('rto_ms', 'known'), line('unavailability_ms', 'deferred')], ok)).toBe('pass');
  });

  it('leaves invalid checks to the lines: an async loss within the RPO is no failure', () => {
    expect(verdictOf([line('rpo_ms', 'pass')], withValidity('set', false))).toBe('pass');
  });
});
