import { INTERRUPTED, type ToxicStub } from '../stub.js';
import type { ToxicKind } from './toxic.js';

export type LimitDataAttributes = { bytes: number };
type LimitDataState = { transmitted: number };

/** Passes `bytes` bytes, then closes the connection. The count survives updates of the toxic. */
export const limitDataToxic: ToxicKind<LimitDataAttributes> = {
  defaults: { bytes: 0 },
  newState: (): LimitDataState => ({ transmitted: 0 }),
  create: ({ bytes }) => ({
    async pipe(stub: ToxicStub): Promise<void> {
      // The link always sets state from newState above before running the toxic.
      const state = stub.state as LimitDataState;
      for (;;) {
        const chunk = await stub.read();
        if (chunk === INTERRUPTED) return;
        if (chunk === null) return stub.close();
        const remaining = Math.max(0, bytes - state.transmitted);
        const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data;
        let running = true;
        if (data.length > 0) {
          state.transmitted += data.length;
          running = await stub.write({ data, ts: chunk.ts });
        }
        if (state.transmitted >= bytes) return stub.close();
        if (!running) return;
      }
    },
  }),
};
