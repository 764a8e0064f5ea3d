import type { ToxicStub } from '../stub.js';

/** Toxic attributes; every built-in toxic takes integers only, as in Toxiproxy. */
export type Attributes = Record<string, number>;

/**
 * What a toxic does to one direction of one connection. `pipe` moves chunks
 * from `stub.input` to `stub.output` until the input ends (then it calls
 * `stub.close()`), it ends the stream itself, or a stub wait reports
 * INTERRUPTED/false; then it must return promptly, forwarding anything it
 * holds with `stub.push` so nothing is lost. Await only the stub's methods:
 * they are the points where the link may interrupt.
 */
export interface Toxic {
  pipe(stub: ToxicStub): Promise<void>;
}

/** A toxic with something to undo when it is removed from a live link. */
export interface CleanupToxic extends Toxic {
  cleanup(stub: ToxicStub): void;
}

export function hasCleanup(toxic: Toxic): toxic is CleanupToxic {
  return typeof (toxic as Partial<CleanupToxic>).cleanup === 'function';
}

/** A registered toxic type: its attributes and how to build it. */
export interface ToxicKind<A extends Attributes = Attributes> {
  /** Every attribute with its default; fixes which names are accepted and their JSON order. */
  readonly defaults: A;
  /** Bytes that may queue in front of this toxic (Toxiproxy's BufferedToxic); default 64 KiB. */
  readonly bufferSize?: number;
  /** Per-link state that outlives updates of the toxic (Toxiproxy's StatefulToxic). */
  newState?(): unknown;
  create(attributes: A): Toxic;
}
