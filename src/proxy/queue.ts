/** A piece of the byte stream, stamped when it was read off the source socket. */
export interface Chunk {
  data: Buffer;
  /** performance.now() at read time; latency is measured from here so delays don't stack. */
  ts: number;
}

/** `null` marks end of stream, like a closed Go channel in Toxiproxy. */
export type Item = Chunk | null;

/**
 * The channel between two stages of a link. One consumer at a time; producers
 * are told when it is over capacity and wait for `whenSpace()`. Pushes are
 * never refused, so a producer that is interrupted mid-write loses nothing:
 * the overshoot is bounded by one chunk per producer.
 */
export class ChunkQueue {
  private readonly items: Item[] = [];
  private bytes = 0;
  private reader: ((item: Item) => void) | undefined;
  private spaceWaiters: (() => void)[] = [];
  private discarding = false;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.bytes;
  }

  get full(): boolean {
    return this.bytes >= this.capacity;
  }

  /** Empty, with its consumer parked on it: a push now would be taken at once. */
  get awaited(): boolean {
    return this.reader !== undefined && this.items.length === 0;
  }

  /** Returns false when the producer should wait for `whenSpace()`. */
  push(item: Item): boolean {
    if (this.discarding) return true;
    const reader = this.reader;
    if (reader !== undefined && this.items.length === 0) {
      this.reader = undefined;
      reader(item);
      return true;
    }
    this.items.push(item);
    if (item !== null) this.bytes += item.data.length;
    return !this.full;
  }

  /** Synchronous read; `undefined` when empty. */
  take(): Item | undefined {
    if (this.items.length === 0) return undefined;
    const item = this.items.shift() as Item;
    if (item !== null) this.bytes -= item.data.length;
    if (!this.full) this.wakeProducers();
    return item;
  }

  /** Registers the single consumer for the next item; cancel with `cancelNext()`. */
  onNext(reader: (item: Item) => void): void {
    const item = this.take();
    if (item !== undefined) reader(item);
    else this.reader = reader;
  }

  cancelNext(): void {
    this.reader = undefined;
  }

  whenSpace(): Promise<void> {
    if (!this.full || this.discarding) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Removes and returns everything queued, for splicing a stage out of a chain. */
  drain(): Item[] {
    const all = this.items.splice(0);
    this.bytes = 0;
    this.wakeProducers();
    return all;
  }

  /** Nobody will read this queue again: drop what is queued and whatever comes. */
  discard(): void {
    this.discarding = true;
    this.drain();
    this.reader = undefined;
  }

  private wakeProducers(): void {
    const waiters = this.spaceWaiters;
    if (waiters.length === 0) return;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }
}
