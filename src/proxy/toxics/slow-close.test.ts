import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, toxic } from '../test-helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.close();
});

test('slow_close passes data at once but holds back the close for `delay` ms', async () => {
  const source = await h.peer((socket) => socket.end('bye'));
  const proxy = await h.proxy(source);
  await proxy.addToxic(toxic({ type: 'slow_close', attributes: { delay: 600 } }));
  const start = performance.now();
  const socket = await h.connect(proxy.listen);
  const times = await new Promise<{ data: number; end: number }>((resolve) => {
    let data = 0;
    socket.on('data', () => (data = performance.now() - start));
    socket.on('end', () => resolve({ data, end: performance.now() - start }));
  });
  expect(times.data).toBeGreaterThan(0);
  expect(times.end).toBeGreaterThanOrEqual(550);
  expect(times.end - times.data).toBeGreaterThanOrEqual(400);
});
