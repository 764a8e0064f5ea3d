import { describe, expect, it } from 'vitest';
import { parseKeyList } from './final-state.js';

describe('parseKeyList', () => {
  it('reads the keys string_agg joined, in order', () => {
    expect(parseKeyList('1,2,30,4000000000,9007199254740991')).toEqual([1, 2, 30, 4_000_000_000, 9_007_199_254_740_991]);
    expect(parseKeyList('7')).toEqual([7]);
    expect(parseKeyList('-3,0')).toEqual([-3, 0]);
  });

  it('reads an empty table as no keys', () => {
    expect(parseKeyList('')).toEqual([]);
  });

  it('refuses what is not a list of integers rather than inventing keys', () => {
    expect(() => parseKeyList('1,,2')).toThrow(/no number before position 2/);
    expect(() => parseKeyList('1,2,')).toThrow(/no number before position 4/);
    expect(() => parseKeyList('1,2x')).toThrow(/unexpected "x" at position 3/);
    expect(() => parseKeyList('1, 2')).toThrow(/unexpected " "/);
    expect(() => parseKeyList('1-2')).toThrow(/unexpected "-"/);
    expect(() => parseKeyList('9007199254740993')).toThrow(/beyond 2\^53/);
  });

  it('reads a million keys', () => {
    const keys = Array.from({ length: 1_000_000 }, (_, i) => i + 1);
    expect(parseKeyList(keys.join(','))).toEqual(keys);
  });
});
