import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, collect, readBytes, toxic, type Peer } from '../test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

test('downstream limit_data passes exactly N bytes, then closes with FIN', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'limit_data', attributes: { bytes: 1000 } }));
  const socket = await h.connect(proxy.listen);
  const payload = randomBytes(5000);
  const result = collect(socket);
  socket.write(payload);
  const { data, ended } = await result;
  expect(data.equals(payload.subarray(0, 1000))).toBe(true);
  expect(ended).toBe(true);
});

test('upstream limit_data lets exactly N bytes reach the server', async () => {
  let serverGot: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
  const sink = await h.peer((socket) => {
    serverGot = collect(socket).then((r) => r.data);
  });
  const proxy = await h.proxy(sink);
  await proxy.addToxic(toxic({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 1234 } }));
  const socket = await h.connect(proxy.listen);
  const closed = collect(socket);
  const payload = randomBytes(10_000);
  socket.write(payload);
  await closed;
  expect((await serverGot).equals(payload.subarray(0, 1234))).toBe(true);
});

test('the byte count survives an update of the limit', async () => {
  const proxy = await h.proxy(echo);
  const limit = await proxy.addToxic(toxic({ type: 'limit_data', attributes: { bytes: 1000 } }));
  const socket = await h.connect(proxy.listen);
  const first = randomBytes(600);
  const firstBack = readBytes(socket, 600);
  socket.write(first);
  expect((await firstBack).equals(first)).toBe(true);
  await limit.update({ ...limit.toJson(), attributes: { bytes: 1100 } });
  const rest = collect(socket);
  const second = randomBytes(1000);
  socket.write(second);
  const { data, ended } = await rest;
  expect(data.equals(second.subarray(0, 500))).toBe(true);
  expect(ended).toBe(true);
});
