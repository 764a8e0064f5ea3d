import { INTERRUPTED, type ToxicStub } from '../stub.js';
import type { Chunk } from '../queue.js';
import type { ToxicKind } from './toxic.js';

export type BandwidthAttributes = { rate: number };

/** Limits throughput to `rate` KB/s (1 KB = 1000 bytes, so `rate` is bytes per millisecond). */
export const bandwidthToxic: ToxicKind<BandwidthAttributes> = {
  defaults: { rate: 0 },
  create: ({ rate }) => ({
    async pipe(stub: ToxicStub): Promise<void> {
      // Sending time owed but not yet slept; oversleeping is paid back on the next chunk.
      let owed = 0;
      for (;;) {
        const chunk = await stub.read();
        if (chunk === INTERRUPTED) return;
        if (chunk === null) return stub.close();
        if (rate <= 0) {
          if (!(await stub.write(chunk))) return;
          continue;
        }
        owed += chunk.data.length / rate;
        let rest: Chunk = chunk;
        // Big chunks go out in 100 ms slices so a slow rate still trickles steadily.
        const slice = rate * 100;
        while (rest.data.length > slice) {
          if (!(await stub.sleep(100))) return stub.push(rest);
          const head = { data: rest.data.subarray(0, slice), ts: rest.ts };
          rest = { data: rest.data.subarray(slice), ts: rest.ts };
          owed -= 100;
          if (!(await stub.write(head))) return stub.push(rest);
        }
        const start = performance.now();
        if (!(await stub.sleep(owed))) return stub.push(rest);
        owed -= performance.now() - start;
        if (!(await stub.write(rest))) return;
      }
    },
  }),
};
