import { describe, expect, it } from 'vitest';
import { metricFromKey, parseThreshold } from './threshold.js';

describe('parseThreshold', () => {
  it.each([
    ['< 30s', '<', 30_000],
    ['<=45s', '<=', 45_000],
    ['== 0', '==', 0],
    ['!= 0', '!=', 0],
    ['>= 99.95', '>=', 99.95],
    ['> 1.5m', '>', 90_000],
    ['< 250ms', '<', 250],
    ['< 2h', '<', 7_200_000],
    ['< 1500', '<', 1500],
  ])('%s on rto_ms', (text, op, value) => {
    expect(parseThreshold('rto_ms', text)).toEqual({ metric: 'rto_ms', op, value, threshold: text });
  });

  it('keeps the source and trims the text', () => {
    expect(parseThreshold('lost_writes', '  == 0 ', 'doc 002')).toEqual({ metric: 'lost_writes', op: '==', value: 0, threshold: '== 0', source: 'doc 002' });
  });

  it('refuses a unit on a count', () => {
    expect(parseThreshold('max_concurrent_primaries', '<= 1s')).toEqual({
      error: 'expected a plain number: max_concurrent_primaries is a count, "s" is not a unit for it',
    });
  });

  it('refuses an unknown unit', () => {
    expect(parseThreshold('rto_ms', '< 30sec')).toEqual({ error: 'unknown unit "sec"; expected ms, s, m or h' });
  });

  it.each([['30s'], ['= 0'], ['=< 5s'], ['< -1'], ['<'], ['less than 5s'], ['']])('refuses %j', (text) => {
    expect(parseThreshold('rto_ms', text)).toEqual({
      error: 'expected a threshold like "< 30s" or "== 0" (one of <, <=, ==, !=, >=, > then a number)',
    });
  });
});

describe('metricFromKey', () => {
  it('accepts the name with or without _ms', () => {
    expect(metricFromKey('rto')).toBe('rto_ms');
    expect(metricFromKey('rto_ms')).toBe('rto_ms');
    expect(metricFromKey('lost_writes')).toBe('lost_writes');
    expect(metricFromKey('lost_writes_ms')).toBeUndefined();
    expect(metricFromKey('rot')).toBeUndefined();
  });
});
