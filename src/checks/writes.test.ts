import { describe, expect, it } from 'vitest';
import { HistoryBuilder, scenario } from './test-support.js';
import { checkWrites } from './writes.js';

describe('writes', () => {
  it('counts writes by outcome', () => {
    const h = new HistoryBuilder().dcs(0, 'pg1');
    h.ok(0, 1);
    h.ok(1, 2);
    h.write(2, 3, 'fail');
    h.write(3, 4, 'info');
    expect(checkWrites(scenario(), h.events)).toEqual({ metrics: { writes: { ok: 2, fail: 1, info: 1, attempted: 4 } }, valid: true });
  });
});
