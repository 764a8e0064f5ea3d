import { INTERRUPTED, type ToxicStub } from '../stub.js';
import type { ToxicKind } from './toxic.js';

export type SlicerAttributes = { average_size: number; size_variation: number; delay: number };

/** Cuts each chunk into pieces of about `average_size` bytes, `delay` µs apart. */
export const slicerToxic: ToxicKind<SlicerAttributes> = {
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  create: (attributes) => ({
    async pipe(stub: ToxicStub): Promise<void> {
      // Timers can't sleep microseconds; sub-millisecond delays are summed and slept in bulk.
      // A late timer is not paid back from the next gap: Toxiproxy sleeps the full delay after
      // every piece, and a shortened gap would let pieces reach the peer together under load.
      let owedMs = 0;
      for (;;) {
        const chunk = await stub.read();
        if (chunk === INTERRUPTED) return;
        if (chunk === null) return stub.close();
        const ends = cuts(attributes, 0, chunk.data.length, []);
        let start = 0;
        for (const end of ends) {
          const piece = { data: chunk.data.subarray(start, end), ts: chunk.ts };
          start = end;
          const rest = { data: chunk.data.subarray(end), ts: chunk.ts };
          const flushRest = (): void => {
            if (rest.data.length > 0) stub.push(rest);
          };
          if (!(await stub.write(piece))) return flushRest();
          owedMs += attributes.delay / 1000;
          if (owedMs < 1) continue;
          const before = performance.now();
          if (!(await stub.sleep(owedMs))) return flushRest();
          owedMs = Math.max(0, owedMs - (performance.now() - before));
        }
      }
    },
  }),
};

/** Toxiproxy's recursive halving with jitter; returns the end offset of each piece. */
function cuts(a: SlicerAttributes, start: number, end: number, out: number[]): number[] {
  const size = end - start;
  if (size - a.average_size <= a.size_variation || size <= 1) {
    out.push(end);
    return out;
  }
  let mid = start + Math.floor(size / 2);
  if (a.size_variation > 0) mid += Math.floor(Math.random() * 2 * a.size_variation) - a.size_variation;
  mid = Math.min(Math.max(mid, start + 1), end - 1);
  cuts(a, start, mid, out);
  return cuts(a, mid, end, out);
}
