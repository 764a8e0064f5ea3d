import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, readBytes, sleep, toxic, within, type Peer } from '../test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

test('downstream latency delays replies, on open and new connections alike', async () => {
  const proxy = await h.proxy(echo);
  const open = await h.connect(proxy.listen);
  await h.roundTrip(open);
  await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 300, jitter: 0 } }));
  expect(await h.roundTrip(open)).toBeGreaterThanOrEqual(295);
  expect(await h.roundTrip(await h.connect(proxy.listen))).toBeGreaterThanOrEqual(295);
});

test('upstream and downstream latency add up', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'latency', stream: 'upstream', attributes: { latency: 200, jitter: 0 } }));
  await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 200, jitter: 0 } }));
  expect(await h.roundTrip(await h.connect(proxy.listen))).toBeGreaterThanOrEqual(395);
});

test('two latency toxics on one stream add up', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'latency', name: 'a', attributes: { latency: 150, jitter: 0 } }));
  await proxy.addToxic(toxic({ type: 'latency', name: 'b', attributes: { latency: 150, jitter: 0 } }));
  expect(await h.roundTrip(await h.connect(proxy.listen))).toBeGreaterThanOrEqual(295);
});

test('jitter keeps each delay within latency ± jitter', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 200, jitter: 100 } }));
  const socket = await h.connect(proxy.listen);
  for (let i = 0; i < 4; i++) expect(await h.roundTrip(socket)).toBeGreaterThanOrEqual(95);
});

test('delay counts from arrival, so a stream of chunks is delayed once, not per chunk', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 300, jitter: 0 } }));
  const socket = await h.connect(proxy.listen);
  const start = performance.now();
  const all = readBytes(socket, 20);
  for (let i = 0; i < 20; i++) {
    socket.write('x');
    await sleep(15);
  }
  await all;
  const elapsed = performance.now() - start;
  expect(elapsed).toBeGreaterThanOrEqual(295);
  // Per-chunk delays would add up to 20 × 300 ms.
  expect(elapsed).toBeLessThan(3000);
});

test('removing the toxic releases held data at once', async () => {
  const proxy = await h.proxy(echo);
  const added = await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 10_000, jitter: 0 } }));
  const socket = await h.connect(proxy.listen);
  const start = performance.now();
  const reply = readBytes(socket, 4);
  socket.write('ping');
  await sleep(200);
  await added.remove();
  expect((await within(reply, 5000, 'the held reply')).toString()).toBe('ping');
  expect(performance.now() - start).toBeLessThan(5000);
});
