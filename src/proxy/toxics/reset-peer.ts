import { INTERRUPTED, type ToxicStub } from '../stub.js';
import type { ToxicKind } from './toxic.js';

export type ResetPeerAttributes = { timeout: number };

/**
 * On the first data (or EOF) through it, waits `timeout` ms and then aborts
 * the connection with RST on both sides, as Toxiproxy does with SO_LINGER 0.
 */
export const resetPeerToxic: ToxicKind<ResetPeerAttributes> = {
  defaults: { timeout: 0 },
  create: ({ timeout }) => ({
    async pipe(stub: ToxicStub): Promise<void> {
      const chunk = await stub.read();
      if (chunk === INTERRUPTED) return;
      if (await stub.sleep(timeout)) return stub.reset();
      // Interrupted before the reset: let what was taken through.
      if (chunk === null) stub.close();
      else stub.push(chunk);
    },
  }),
};
