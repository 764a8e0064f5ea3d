import type { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { LargeReads, READ_SIZE, SMALL_READ_SIZE } from './large-reads.js';
import { Link } from './link.js';
import { defaultToxicRegistry } from './toxics/index.js';
import { ToxicWrapper } from './wrapper.js';

/** A dest whose writes finish when the test says, each seen with the bytes it held when it finished. */
class HeldWrites extends Writable {
  finishAtOnce = true;
  readonly finished: string[] = [];
  private readonly held: (() => void)[] = [];

  constructor() {
    super({ highWaterMark: 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const finish = (): void => {
      this.finished.push(chunk.toString());
      done();
    };
    if (this.finishAtOnce) finish();
    else this.held.push(finish);
  }

  finishHeld(): void {
    for (const finish of this.held.splice(0)) finish();
  }
}

const events = { finished: () => undefined, reset: () => undefined };

/** Stand-ins for the sockets: Link uses only their stream side (data, end, pause, resume, write). */
function asSocket(stream: PassThrough | Writable): Socket {
  return stream as unknown as Socket;
}

/** What the source's handle does on a read: fills the buffer it was given and hands over a view of it. */
function read(reads: LargeReads, text: string): void {
  const buffer = reads.nextBuffer;
  buffer.write(text, 0);
  reads.onread.callback(Buffer.byteLength(text), buffer);
}

test('a read-buffer chunk the dest holds keeps the source paused until its write is done, whatever an earlier write reports meanwhile', async () => {
  const source = new PassThrough();
  const dest = new HeldWrites();
  const reads = new LargeReads();
  new Link('upstream', { socket: asSocket(source), reads }, asSocket(dest), [], events).start();
  expect(source.isPaused()).toBe(false);

  // Taken whole: its callback is only queued, and the source reads on.
  read(reads, 'aaaa');
  expect(source.isPaused()).toBe(false);
  // Held: the buffer is still being written from, so the source stops reading into it.
  dest.finishAtOnce = false;
  read(reads, 'bbbb');
  expect(source.isPaused()).toBe(true);
  // The first write's queued callback comes now; it is not the held one's.
  await tick();
  expect(source.isPaused()).toBe(true);

  dest.finishHeld();
  await tick();
  expect(source.isPaused()).toBe(false);
  expect(dest.finished).toEqual(['aaaa', 'bbbb']);
});

test('a source without a read buffer of its own passes its data events through, pausing while the dest is full', async () => {
  const source = new PassThrough();
  const dest = new HeldWrites();
  new Link('upstream', { socket: asSocket(source), reads: undefined }, asSocket(dest), [], events).start();
  source.write('x'.repeat(10));
  await tick();
  expect(dest.finished).toEqual(['x'.repeat(10)]);

  dest.finishAtOnce = false;
  source.write('y'.repeat(2048));
  await tick();
  expect(source.isPaused()).toBe(true);
  dest.finishHeld();
  await tick();
  expect(source.isPaused()).toBe(false);
  expect(dest.finished.at(-1)).toBe('y'.repeat(2048));
});

test('a link told to stop reading while the dest holds a read-buffer chunk resumes its source only once that write is done', async () => {
  const source = new PassThrough();
  const dest = new HeldWrites();
  const reads = new LargeReads();
  const link = new Link('upstream', { socket: asSocket(source), reads }, asSocket(dest), [], events);
  link.start();
  dest.finishAtOnce = false;
  read(reads, 'cccc');
  link.stopReading();
  expect(source.isPaused()).toBe(true);
  dest.finishHeld();
  await tick();
  expect(source.isPaused()).toBe(false);
  expect(dest.finished).toEqual(['cccc']);
});

test.each([
  { chain: 'no toxic', toxic: undefined, next: READ_SIZE },
  { chain: 'a noop toxic', toxic: 'noop', next: READ_SIZE },
  { chain: 'a latency toxic', toxic: 'latency', next: SMALL_READ_SIZE },
])('with $chain, reads that fill 64 KiB make the next one $next bytes', ({ toxic, next }) => {
  const reads = new LargeReads();
  const kind = toxic === undefined ? undefined : defaultToxicRegistry().get(toxic);
  const toxics = kind === undefined ? [] : [new ToxicWrapper('t', toxic ?? '', 'upstream', 1, { latency: 10, jitter: 0 }, kind)];
  const link = new Link('upstream', { socket: asSocket(new PassThrough()), reads }, asSocket(new HeldWrites()), toxics, events);
  link.start();
  read(reads, 'z'.repeat(SMALL_READ_SIZE));
  read(reads, 'z'.repeat(SMALL_READ_SIZE));
  expect(reads.nextBuffer.length).toBe(next);
  link.dispose();
});
