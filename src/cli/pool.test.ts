import { describe, expect, it } from 'vitest';
import { runPool } from './pool.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `items` with `n` workers, each item taking its own time; records what ran at once and in which slot. */
async function trace(durations: readonly number[], n: number, o: { throwAt?: number; stopAfter?: number } = {}) {
  let inFlight = 0;
  let peak = 0;
  const started: number[] = [];
  const ended: number[] = [];
  const slots = new Map<number, number>();
  const busy = new Set<number>();
  let error: unknown;
  const count = await runPool(durations.map((d, i) => ({ d, i })), n, async ({ d, i }, slot) => {
    // A slot is never given two runs at once: the local provider's port block is the slot's.
    expect(busy.has(slot)).toBe(false);
    busy.add(slot);
    slots.set(i, slot);
    started.push(i);
    peak = Math.max(peak, ++inFlight);
    try {
      await tick(d);
      if (i === o.throwAt) throw new Error(`unit ${i} broke`);
    } finally {
      inFlight--;
      busy.delete(slot);
      ended.push(i);
    }
  }, { stopped: () => o.stopAfter !== undefined && started.length >= o.stopAfter }).catch((err: unknown) => { error = err; return -1; });
  return { peak, started, ended, slots, error, count };
}

describe('runPool: run --parallel\'s scheduler', () => {
  it('runs at most N at once, reaching N, starting in order, each slot one run at a time', async () => {
    const t = await trace([200, 10, 10, 10, 10], 2);
    expect(t.peak).toBe(2);
    expect(t.started).toEqual([0, 1, 2, 3, 4]);
    // The long first run ends last: the others went through the second slot meanwhile.
    expect(t.ended.at(-1)).toBe(0);
    expect(new Set(t.slots.values())).toEqual(new Set([0, 1]));
  });

  it('with N = 1 is the serial loop: each run ends before the next starts', async () => {
    const t = await trace([20, 5, 5], 1);
    expect(t.peak).toBe(1);
    expect(t.ended).toEqual([0, 1, 2]);
  });

  it('with N larger than the runs, starts each once, all at once, in slots 0..runs-1', async () => {
    const t = await trace([10, 10], 8);
    expect(t.count).toBe(2);
    expect(t.peak).toBe(2);
    expect([...t.slots.values()].sort()).toEqual([0, 1]);
  });

  it('a run that throws stops it as the serial loop stops: nothing more starts, those in flight end, then the error', async () => {
    const t = await trace([5, 40, 5, 5, 5], 2, { throwAt: 0 });
    expect(t.error).toBeInstanceOf(Error);
    expect((t.error as Error).message).toBe('unit 0 broke');
    // Unit 1 was in flight when unit 0 threw: it ended before the pool gave up; 2.. never started.
    expect(t.started).toEqual([0, 1]);
    expect(t.ended).toEqual([0, 1]);
  });

  it('starts nothing once a stop is asked for (Ctrl-C), and lets those in flight end', async () => {
    const t = await trace([20, 20, 20, 20], 2, { stopAfter: 2 });
    expect(t.error).toBeUndefined();
    expect(t.started).toEqual([0, 1]);
    expect(t.ended.sort()).toEqual([0, 1]);
    expect(t.count).toBe(2);
  });
});
