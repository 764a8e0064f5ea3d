/** Epoch milliseconds from a monotonic source: wall-clock jumps cannot reorder the history. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
