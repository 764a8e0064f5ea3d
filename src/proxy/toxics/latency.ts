import { INTERRUPTED, type ToxicStub } from '../stub.js';
import type { ToxicKind } from './toxic.js';

export type LatencyAttributes = { latency: number; jitter: number };

/** Delays each chunk by `latency` ± `jitter` ms, measured from when it was read, so delays don't add up. */
export const latencyToxic: ToxicKind<LatencyAttributes> = {
  defaults: { latency: 0, jitter: 0 },
  // Chunks in flight must queue here, or throughput would be one chunk per `latency`.
  bufferSize: 4 * 1024 * 1024,
  create: (attributes) => ({
    async pipe(stub: ToxicStub): Promise<void> {
      for (;;) {
        const chunk = await stub.read();
        if (chunk === INTERRUPTED) return;
        if (chunk === null) return stub.close();
        const due = chunk.ts + delay(attributes);
        if (!(await stub.sleep(due - performance.now()))) {
          stub.push(chunk); // interrupted: hand it on undelayed rather than drop it
          return;
        }
        // A later latency toxic then measures from this release, so stacked toxics add up.
        chunk.ts = Math.max(chunk.ts, due);
        if (!(await stub.write(chunk))) return;
      }
    },
  }),
};

function delay({ latency, jitter }: LatencyAttributes): number {
  if (jitter <= 0) return latency;
  return latency + Math.floor(Math.random() * 2 * jitter) - jitter;
}
