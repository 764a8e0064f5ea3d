/**
 * `--parallel N`: a suite's runs, at most N at once. Each worker is a slot
 * (0..N-1) that takes the next run in order when its last one is done, so a
 * slot's resources (the local provider's port block) are never used by two
 * runs at once. With N = 1 it is today's loop: one run after another, in order.
 */

export interface PoolOptions {
  /** Checked before each run starts: once true (Ctrl-C), no run starts; those in flight finish. */
  stopped?: () => boolean;
}

/**
 * Runs `work` over `items`, at most `n` at once, starting them in order.
 * A run that throws stops the pool as it stops a serial loop: no further
 * run starts, those in flight are awaited (their clusters stop as usual),
 * then the first error is thrown. Resolves to how many runs started.
 */
export async function runPool<T>(items: readonly T[], n: number, work: (item: T, slot: number) => Promise<void>, o: PoolOptions = {}): Promise<number> {
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async (slot: number): Promise<void> => {
    while (failed === undefined && next < items.length && !(o.stopped?.() ?? false)) {
      const item = items[next++] as T;
      try {
        await work(item, slot);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, (_, slot) => worker(slot)));
  if (failed !== undefined) throw failed.err;
  return next;
}
