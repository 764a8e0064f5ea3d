import type { Socket } from 'node:net';
import type { Source } from './large-reads.js';
import { ChunkQueue, type Item } from './queue.js';
import { ToxicStub } from './stub.js';
import { noop } from './toxics/noop.js';
import { hasCleanup } from './toxics/toxic.js';
import type { Direction, ToxicWrapper } from './wrapper.js';

/** Room between stages and in front of the writer, unless a toxic asks for more. */
export const DEFAULT_BUFFER = 64 * 1024;

interface Stage {
  readonly wrapper: ToxicWrapper;
  readonly stub: ToxicStub;
}

export interface LinkEvents {
  finished(link: Link): void;
  reset(): void;
}

/**
 * One direction of a connection: source socket → toxic stages → dest socket
 * (Toxiproxy's ToxicLink). Chain edits are serialized and splice queues so
 * that data already inside the chain keeps its order and is never dropped.
 * While the chain is empty and idle (no toxics, or only noops), chunks go
 * straight from source to dest.
 */
export class Link {
  private readonly stages: Stage[] = [];
  private readonly tail = new ChunkQueue(DEFAULT_BUFFER);
  private head = this.tail;
  private edits: Promise<void> = Promise.resolve();
  private sourceEnded = false;
  private disposed = false;
  private wakeWriter: (() => void) | undefined;
  /** Writes of chunks of the source's read buffer not yet finished (or failed). */
  private unfinishedBorrowedWrites = 0;
  /** The source is paused until they are: the last of them still points into its read buffer. */
  private waitingForBorrowedWrites = false;
  private readonly source: Socket;
  /** A toxic ended the stream (limit reached, timeout) rather than the source closing. */
  terminated = false;
  done = false;

  constructor(
    readonly direction: Direction,
    private readonly input: Source,
    private readonly dest: Socket,
    toxics: readonly ToxicWrapper[],
    private readonly events: LinkEvents,
  ) {
    this.source = input.socket;
    for (const wrapper of toxics) this.append(wrapper);
  }

  start(): void {
    const { reads } = this.input;
    if (reads === undefined) this.source.on('data', (data: Buffer) => this.onData(data, false));
    else {
      reads.attach((chunk) => {
        this.onData(chunk, true);
        // Large reads only while chunks skip the toxics: a toxic would hold a 1 MiB chunk.
        return this.passesStraightThrough();
      });
    }
    this.source.on('end', () => this.endInput());
    this.resumeSource();
    void this.writeLoop();
  }

  addToxic(wrapper: ToxicWrapper): Promise<void> {
    return this.edit(() => this.append(wrapper));
  }

  updateToxic(wrapper: ToxicWrapper): Promise<void> {
    return this.edit(async () => {
      const stage = this.stages.find((s) => s.wrapper === wrapper);
      if (stage !== undefined && (await stage.stub.interrupt())) this.run(stage);
    });
  }

  removeToxic(wrapper: ToxicWrapper): Promise<void> {
    return this.edit(async () => {
      const index = this.stages.findIndex((s) => s.wrapper === wrapper);
      const stage = this.stages[index];
      if (stage === undefined) return;
      const { stub } = stage;
      const wasApplied = stub.roll < wrapper.toxicity;
      if ((await stub.interrupt()) && wasApplied && hasCleanup(wrapper.toxic)) wrapper.toxic.cleanup(stub);
      if (!stub.closed) {
        // Everything queued for the removed toxic moves on first, then its producer writes past it.
        for (const item of stub.input.drain()) stub.output.push(item);
        this.setOutputBefore(index, stub.output);
      }
      this.stages.splice(index, 1);
    });
  }

  /** Bytes read from the source and not yet handed to the kernel for the dest. */
  get bufferedBytes(): number {
    let total = this.source.readableLength + this.tail.size + this.dest.writableLength;
    for (const { stub } of this.stages) total += stub.input.size;
    return total;
  }

  /** Treats the source as finished: what is in the chain still flows, later data is dropped. */
  stopReading(): void {
    this.endInput();
    this.resumeSource();
  }

  /** The connection is gone: stop every toxic (and its timers) and the writer. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sourceEnded = true;
    for (const { stub } of this.stages) void stub.interrupt();
    this.wakeWriter?.();
  }

  private append(wrapper: ToxicWrapper): void {
    const input = new ChunkQueue(wrapper.kind.bufferSize ?? DEFAULT_BUFFER);
    const stub = new ToxicStub(input, this.tail, {
      closed: (byToxic) => {
        if (byToxic) this.terminated = true;
      },
      reset: () => this.events.reset(),
    });
    stub.state = wrapper.kind.newState?.();
    const previous = this.stages.at(-1);
    const upstreamClosed = previous === undefined ? this.sourceEnded : previous.stub.closed;
    this.setOutputBefore(this.stages.length, input);
    const stage = { wrapper, stub };
    this.stages.push(stage);
    // Like Toxiproxy, a toxic added behind a finished stream starts finished.
    if (upstreamClosed || this.disposed) stub.closed = true;
    else this.run(stage);
  }

  private run({ wrapper, stub }: Stage): void {
    // An edit that was waiting on an interrupt when the connection went away must not restart it.
    if (this.disposed) return;
    stub.run(stub.roll < wrapper.toxicity ? wrapper.toxic : noop);
  }

  private setOutputBefore(index: number, queue: ChunkQueue): void {
    const previous = this.stages[index - 1];
    if (previous === undefined) this.head = queue;
    else previous.stub.output = queue;
  }

  private edit(change: () => void | Promise<void>): Promise<void> {
    const next = this.edits.then(() => (this.disposed ? undefined : change()));
    this.edits = next.catch(() => undefined);
    return next;
  }

  /** `borrowed`: `data` is a view of the source's read buffer, which its next read overwrites. */
  private onData(data: Buffer, borrowed: boolean): void {
    if (this.sourceEnded) return;
    if (this.passesStraightThrough()) return this.writeThrough(data, borrowed);
    const queue = this.head;
    // Toxics hold chunks for as long as they like: they get a copy of their own.
    if (queue.push({ data: borrowed ? Buffer.from(data) : data, ts: performance.now() })) return;
    this.source.pause();
    void queue.whenSpace().then(() => this.resumeSource());
  }

  /**
   * Nothing is in flight and every stage is a noop parked on its empty input,
   * so the chain would hand a chunk to the dest untouched and at once: writing
   * it directly keeps the order and skips the per-chunk queues and promises
   * (the bulk of the proxy's own CPU per chunk). Any toxic that is not a noop,
   * or a stage or writer still holding data, sends chunks through the chain.
   */
  private passesStraightThrough(): boolean {
    if (!this.tail.awaited) return false;
    for (const { stub } of this.stages) {
      if (stub.toxic !== noop || !stub.input.awaited) return false;
    }
    return true;
  }

  /**
   * As socket.pipe does: a full dest pauses the source until it drains. A
   * chunk of the read buffer that the kernel did not take whole is still
   * referenced by the pending write, so the source reads nothing more until
   * that write is done.
   */
  private writeThrough(data: Buffer, borrowed: boolean): void {
    if (!borrowed) {
      if (this.dest.write(data)) return;
      this.source.pause();
      this.dest.once('drain', () => this.resumeSource());
      return;
    }
    this.unfinishedBorrowedWrites++;
    this.dest.write(data, this.borrowedWriteFinished);
    if (this.dest.writableLength === 0) return;
    this.waitingForBorrowedWrites = true;
    this.source.pause();
  }

  /** Called once per write, in order, also when it fails: an earlier write finishing late must not resume the source. */
  private readonly borrowedWriteFinished = (): void => {
    this.unfinishedBorrowedWrites--;
    if (!this.waitingForBorrowedWrites || this.unfinishedBorrowedWrites > 0) return;
    this.waitingForBorrowedWrites = false;
    this.resumeSource();
  };

  private resumeSource(): void {
    if (this.waitingForBorrowedWrites || this.source.destroyed) return;
    this.source.resume();
  }

  private endInput(): void {
    if (this.sourceEnded) return;
    this.sourceEnded = true;
    this.head.push(null);
  }

  private async writeLoop(): Promise<void> {
    for (;;) {
      const ready = this.tail.take();
      const item = ready === undefined ? await this.nextItem() : ready;
      if (item === null || this.disposed) break;
      if (!this.dest.write(item.data)) await this.drained();
      if (this.disposed) break;
    }
    this.done = true;
    if (!this.disposed && !this.dest.destroyed) this.dest.end();
    this.events.finished(this);
  }

  private nextItem(): Promise<Item> {
    return new Promise((resolve) => {
      this.wakeWriter = () => {
        this.tail.cancelNext();
        resolve(null);
      };
      this.tail.onNext((item) => {
        this.wakeWriter = undefined;
        resolve(item);
      });
    });
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.dest.off('drain', done);
        this.wakeWriter = undefined;
        resolve();
      };
      this.wakeWriter = done;
      this.dest.on('drain', done);
    });
  }
}
