import { describe, expect, it } from 'vitest';
import { formatCount, formatDelta, formatDuration, formatMetric, formatOffset } from './format.js';

describe('formatDuration', () => {
  it('uses ms below a second, tenths of seconds below a minute, minutes above', () => {
    expect(formatDuration(4.24)).toBe('4.2 ms');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(999.7)).toBe('1.0 s');
    expect(formatDuration(27_400)).toBe('27.4 s');
    expect(formatDuration(59_970)).toBe('1 min 00 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(-3_500)).toBe('-3.5 s');
  });

  it('shows an unmeasured figure as a dash', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatCount(undefined)).toBe('—');
  });
});

describe('counts, metrics and deltas', () => {
  it('groups thousands independently of the locale', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(-1200)).toBe('-1,200');
  });

  it('formats *_ms metrics as durations and the rest as counts', () => {
    expect(formatMetric('rto_ms', 41_230)).toBe('41.2 s');
    expect(formatMetric('lost_writes', 2)).toBe('2');
  });

  it('signs deltas', () => {
    expect(formatDelta('rto_ms', 22_800)).toBe('+22.8 s');
    expect(formatDelta('lost_writes', -3)).toBe('-3');
    expect(formatDelta('rto_ms', 0)).toBe('0');
    expect(formatDelta('rto_ms', null)).toBe('—');
    expect(formatOffset(48_230)).toBe('+48.2 s');
  });
});
