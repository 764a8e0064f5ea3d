import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, collect, toxic } from '../test-helpers.js';

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
