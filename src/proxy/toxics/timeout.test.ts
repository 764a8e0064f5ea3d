import type { Socket } from 'node:net';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, collect, sleep, toxic, type Peer } from '../test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

/** Watches a socket: what it received and whether it has ended or closed. */
function watch(socket: Socket) {
  const state = { bytes: 0, over: false };
  socket.on('data', (data: Buffer) => (state.bytes += data.length));
  socket.on('end', () => (state.over = true));
  socket.on('close', () => (state.over = true));
  return state;
}

test('timeout 0 is a blackhole: data vanishes and the connection stays open', async () => {
  const proxy = await h.proxy(echo);
  const open = await h.connect(proxy.listen);
  await h.roundTrip(open);
  const blackhole = await proxy.addToxic(toxic({ type: 'timeout', attributes: { timeout: 0 } }));
  const openState = watch(open);
  const fresh = await h.connect(proxy.listen);
  const freshState = watch(fresh);
  open.write('lost');
  fresh.write('lost too');
  await sleep(1000);
  expect(openState).toEqual({ bytes: 0, over: false });
  expect(freshState).toEqual({ bytes: 0, over: false });

  // As in Toxiproxy, removal closes the connections it held; new ones work again.
  const closed = collect(open);
  await blackhole.remove();
  expect((await closed).data.length).toBe(0);
  await h.roundTrip(await h.connect(proxy.listen));
});

test('an upstream blackhole keeps requests from reaching the server', async () => {
  let received = 0;
  const sink = await h.peer((socket) => socket.on('data', (d: Buffer) => (received += d.length)));
  const proxy = await h.proxy(sink);
  await proxy.addToxic(toxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }));
  const socket = await h.connect(proxy.listen);
  const state = watch(socket);
  socket.write(Buffer.alloc(100_000));
  await sleep(800);
  expect(received).toBe(0);
  expect(state.over).toBe(false);
});

test('timeout N closes the connection after N ms without passing data', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'timeout', attributes: { timeout: 400 } }));
  const socket = await h.connect(proxy.listen);
  const start = performance.now();
  const result = collect(socket);
  socket.write('dropped');
  const { data } = await result;
  expect(performance.now() - start).toBeGreaterThanOrEqual(350);
  expect(data.length).toBe(0);
});
