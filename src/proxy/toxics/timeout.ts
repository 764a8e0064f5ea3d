import { INTERRUPTED, TIMED_OUT, type ToxicStub } from '../stub.js';
import type { CleanupToxic, ToxicKind } from './toxic.js';

export type TimeoutAttributes = { timeout: number };

/**
 * Drops all data, and closes the connection after `timeout` ms. With 0 it
 * never closes: a blackhole. Removing it closes connections it held, as in
 * Toxiproxy, since their data is gone and the peers are out of step.
 */
export const timeoutToxic: ToxicKind<TimeoutAttributes> = {
  defaults: { timeout: 0 },
  create: ({ timeout }): CleanupToxic => ({
    async pipe(stub: ToxicStub): Promise<void> {
      const deadline = timeout > 0 ? performance.now() + timeout : Infinity;
      for (;;) {
        const chunk = deadline === Infinity ? await stub.read() : await stub.read(deadline - performance.now());
        if (chunk === INTERRUPTED) return;
        if (chunk === null || chunk === TIMED_OUT) return stub.close();
      }
    },
    cleanup(stub: ToxicStub): void {
      stub.close();
    },
  }),
};
