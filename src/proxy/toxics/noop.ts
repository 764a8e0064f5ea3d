import { INTERRUPTED, type ToxicStub } from '../stub.js';
import type { Toxic, ToxicKind } from './toxic.js';

/** Passes everything through; also what a link runs when a toxic's toxicity roll misses. */
export const noop: Toxic = {
  async pipe(stub: ToxicStub): Promise<void> {
    for (;;) {
      const chunk = await stub.read();
      if (chunk === INTERRUPTED) return;
      if (chunk === null) return stub.close();
      if (!(await stub.write(chunk))) return;
    }
  },
};

export const noopToxic: ToxicKind<Record<string, never>> = {
  defaults: {},
  create: () => noop,
};
