import type { Chunk, ChunkQueue, Item } from './queue.js';
import type { Toxic } from './toxics/toxic.js';

/** Returned by waits on a stub when the link wants the toxic to step aside. */
export const INTERRUPTED: unique symbol = Symbol('interrupted');
export const TIMED_OUT: unique symbol = Symbol('timed out');
export type Interrupted = typeof INTERRUPTED;
export type TimedOut = typeof TIMED_OUT;

/** How a stub tells its link that the stream is over. */
export interface StubEvents {
  /** `byToxic`: the toxic ended the stream on its own (not passing on an EOF). */
  closed(byToxic: boolean): void;
  reset(): void;
}

/**
 * One toxic's place in one link, as Toxiproxy's ToxicStub: the toxic's `pipe`
 * moves chunks from `input` to `output` using only the awaitables here, so the
 * link can interrupt it at any of them to update, remove or add toxics
 * without losing or reordering data.
 */
export class ToxicStub {
  /** Per-stub state for stateful toxics; survives updates of the toxic. */
  state: unknown;
  /** Drawn once, so a toxic applies to a link for its whole life or not at all. */
  readonly roll = Math.random();
  closed = false;
  /** What `run` last started: the configured toxic, or noop when the toxicity roll missed. */
  private runningToxic: Toxic | undefined;
  private sawEof = false;
  private interrupting = false;
  private cancelWait: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    public input: ChunkQueue,
    public output: ChunkQueue,
    private readonly events: StubEvents,
  ) {}

  run(toxic: Toxic): void {
    this.interrupting = false;
    this.runningToxic = toxic;
    // A toxic that throws must not wedge the link: end the stream instead.
    this.running = toxic.pipe(this).catch(() => this.close());
  }

  get toxic(): Toxic | undefined {
    return this.runningToxic;
  }

  /** Stops the running toxic; resolves once its pipe has returned. False if the stub is closed. */
  async interrupt(): Promise<boolean> {
    if (this.closed || this.running === undefined) return false;
    this.interrupting = true;
    this.cancelWait?.();
    await this.running;
    this.running = undefined;
    this.runningToxic = undefined;
    return !this.closed;
  }

  read(): Promise<Item | Interrupted>;
  read(timeoutMs: number): Promise<Item | Interrupted | TimedOut>;
  read(timeoutMs?: number): Promise<Item | Interrupted | TimedOut> {
    if (this.interrupting) return Promise.resolve(INTERRUPTED);
    const ready = this.input.take();
    if (ready !== undefined) return Promise.resolve(this.seen(ready));
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(TIMED_OUT);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (value: Item | Interrupted | TimedOut): void => {
        this.cancelWait = undefined;
        clearTimeout(timer);
        this.input.cancelNext();
        resolve(value);
      };
      this.cancelWait = () => finish(INTERRUPTED);
      if (timeoutMs !== undefined) timer = setTimeout(() => finish(TIMED_OUT), timeoutMs);
      this.input.onNext((item) => finish(this.seen(item)));
    });
  }

  /** Resolves true after `ms`, or false as soon as the stub is interrupted. */
  sleep(ms: number): Promise<boolean> {
    if (this.interrupting) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return this.interruptible((done) => {
      const timer = setTimeout(() => done(true), ms);
      return () => clearTimeout(timer);
    });
  }

  /** Queues the chunk downstream, then waits for room; false if interrupted meanwhile (the chunk is still sent). */
  write(chunk: Chunk): Promise<boolean> {
    const output = this.output;
    if (output.push(chunk)) return Promise.resolve(!this.interrupting);
    if (this.interrupting) return Promise.resolve(false);
    return this.interruptible((done) => {
      void output.whenSpace().then(() => done(true));
      return () => undefined;
    });
  }

  /** Queues the chunk downstream ignoring capacity: for flushing on interrupt. */
  push(chunk: Chunk): void {
    this.output.push(chunk);
  }

  /** Ends the stream downstream of this toxic. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.output.push(null);
    this.input.discard();
    this.events.closed(!this.sawEof);
  }

  /** Aborts the whole connection with TCP RST on both sides. */
  reset(): void {
    if (this.closed) return;
    this.closed = true;
    this.input.discard();
    this.events.reset();
  }

  private seen(item: Item): Item {
    if (item === null) this.sawEof = true;
    return item;
  }

  private interruptible(start: (done: (value: boolean) => void) => () => void): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      let stop = (): void => undefined;
      const done = (value: boolean): void => {
        if (settled) return;
        settled = true;
        this.cancelWait = undefined;
        stop();
        resolve(value);
      };
      this.cancelWait = () => done(false);
      stop = start(done);
    });
  }
}
