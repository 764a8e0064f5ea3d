import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { ChunkQueue } from '../queue.js';
import { ToxicStub } from '../stub.js';
import { Harness, collect, toxic, until } from '../test-helpers.js';
import { slicerToxic } from './slicer.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.close();
});

test('slicer delivers the same bytes in many more, smaller reads', async () => {
  const payload = randomBytes(4000);
  const source = await h.peer((socket) => socket.end(payload));
  const proxy = await h.proxy(source);
  const plain = await collect(await h.connect(proxy.listen));
  await proxy.addToxic(toxic({ type: 'slicer', attributes: { average_size: 100, size_variation: 20, delay: 5000 } }));
  const sliced = await collect(await h.connect(proxy.listen));
  expect(sliced.data.equals(payload)).toBe(true);
  expect(plain.data.equals(payload)).toBe(true);
  // About 40 slices 5 ms apart (a stalled event loop may read a few together); plain is one or two reads.
  expect(sliced.chunks).toBeGreaterThanOrEqual(10);
  expect(sliced.chunks).toBeGreaterThan(plain.chunks * 5);
});

test('slicer with no variation and no delay still passes every byte in order', async () => {
  const payload = randomBytes(50_000);
  const source = await h.peer((socket) => socket.end(payload));
  const proxy = await h.proxy(source);
  await proxy.addToxic(toxic({ type: 'slicer', attributes: { average_size: 7, size_variation: 0, delay: 0 } }));
  const { data } = await collect(await h.connect(proxy.listen));
  expect(data.equals(payload)).toBe(true);
});

test('slicer sleeps the full delay after every piece, even after a late timer', async () => {
  // A clock the stub's sleep drives: the first timer fires 4 ms late, as under load.
  let now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  const input = new ChunkQueue(1 << 20);
  const output = new ChunkQueue(1 << 20);
  const stub = new ToxicStub(input, output, { closed: () => undefined, reset: () => undefined });
  const slept: number[] = [];
  vi.spyOn(stub, 'sleep').mockImplementation((ms) => {
    slept.push(ms);
    now += ms + (slept.length === 1 ? 4 : 0);
    return Promise.resolve(true);
  });
  input.push({ data: Buffer.alloc(40), ts: 0 });
  input.push(null);
  stub.run(slicerToxic.create({ average_size: 10, size_variation: 0, delay: 5000 }));
  await until(() => stub.closed, 1000, 'the slicer to finish');
  vi.restoreAllMocks();
  expect(slept).toEqual([5, 5, 5, 5]);
});
