import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, collect, sha256, toxic } from '../test-helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.close();
});

const payload = randomBytes(300_000);

test('downstream bandwidth holds a transfer to `rate` KB/s, bytes intact', async () => {
  const source = await h.peer((socket) => socket.end(payload));
  const proxy = await h.proxy(source);
  await proxy.addToxic(toxic({ type: 'bandwidth', attributes: { rate: 200 } }));
  const start = performance.now();
  const { data } = await collect(await h.connect(proxy.listen));
  // 300 KB at 200 KB/s is 1.5 s.
  expect(performance.now() - start).toBeGreaterThanOrEqual(1200);
  expect(sha256(data)).toBe(sha256(payload));
});

test('upstream bandwidth slows what the client sends', async () => {
  let done: Promise<{ data: Buffer; at: number }> | undefined;
  const sink = await h.peer((socket) => {
    done = collect(socket).then((r) => ({ data: r.data, at: performance.now() }));
  });
  const proxy = await h.proxy(sink);
  await proxy.addToxic(toxic({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 200 } }));
  const socket = await h.connect(proxy.listen);
  const start = performance.now();
  socket.end(payload);
  while (done === undefined) await new Promise((r) => setTimeout(r, 5));
  const { data, at } = await done;
  expect(at - start).toBeGreaterThanOrEqual(1200);
  expect(sha256(data)).toBe(sha256(payload));
});
