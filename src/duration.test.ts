import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['5s', 5_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['1.1s', 1_100],
    ['.5s', 500],
    [' 10 s ', 10_000],
    ['0', 0],
    [0, 0],
  ])('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([[30], ['30'], ['5 sec'], ['-1s'], ['s'], [''], [null], [true], ['1d']])('refuses %j', (input) => {
    expect(parseDuration(input)).toEqual({ error: 'expected a duration like 5s or 250ms' });
  });
});
