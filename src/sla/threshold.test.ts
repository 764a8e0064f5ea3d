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

  it.each([
    ['<= 1MB', 1_048_576],
    ['<= 512kB', 524_288],
    ['< 2GB', 2 * 1024 ** 3],
    ['<= 100B', 100],
    ['<= 1048576', 1_048_576],
    ['<= 1.5 MB', 1.5 * 1024 ** 2],
  ])('%s on promotion_lag_bytes (PostgreSQL units, 1 kB = 1024 B)', (text, value) => {
    expect(parseThreshold('promotion_lag_bytes', text)).toEqual({ metric: 'promotion_lag_bytes', op: text.startsWith('<=') ? '<=' : '<', value, threshold: text });
  });

  it('refuses a duration or an unknown unit on bytes, and bytes on a count', () => {
    const hint = 'expected B, kB, MB or GB (1 kB = 1024 bytes)';
    expect(parseThreshold('promotion_lag_bytes', '<= 5s')).toEqual({ error: `unknown unit "s"; ${hint}` });
    expect(parseThreshold('promotion_lag_bytes', '<= 1mb')).toEqual({ error: `unknown unit "mb"; ${hint}` });
    expect(parseThreshold('lagging_promotions', '== 1MB')).toEqual({ error: 'expected a plain number: lagging_promotions is a count, "MB" is not a unit for it' });
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
