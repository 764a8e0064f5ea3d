import { INTERRUPTED, type ToxicStub } from '../stub.js';
import type { ToxicKind } from './toxic.js';

export type SlowCloseAttributes = { delay: number };

/** Holds back the end of the stream (the FIN) for `delay` ms; data passes untouched. */
export const slowCloseToxic: ToxicKind<SlowCloseAttributes> = {
  defaults: { delay: 0 },
  create: ({ delay }) => ({
    async pipe(stub: ToxicStub): Promise<void> {
      for (;;) {
        const chunk = await stub.read();
        if (chunk === INTERRUPTED) return;
        if (chunk === null) {
          // The EOF is consumed now, so close even if interrupted: a rerun would never see it.
          await stub.sleep(delay);
          return stub.close();
        }
        if (!(await stub.write(chunk))) return;
      }
    },
  }),
};
