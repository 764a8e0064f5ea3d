import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, collect, sleep, toxic, until, within } from '../test-helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.close();
});

test('reset_peer aborts both sides with RST (ECONNRESET) once data flows', async () => {
  const serverErrors: string[] = [];
  const echo = await h.peer((socket) => {
    socket.on('error', (err: NodeJS.ErrnoException) => serverErrors.push(err.code ?? ''));
    socket.pipe(socket);
  });
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'reset_peer', attributes: { timeout: 0 } }));
  const socket = await h.connect(proxy.listen);
  const result = collect(socket);
  socket.write('hello');
  const { error, data } = await result;
  expect(error?.code).toBe('ECONNRESET');
  expect(data.length).toBe(0);
  await until(() => serverErrors.includes('ECONNRESET'), 5000, 'upstream reset');
});

test('reset_peer waits `timeout` ms after the first data before resetting', async () => {
  const echo = await h.echo();
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 400 } }));
  const socket = await h.connect(proxy.listen);
  const start = performance.now();
  const result = collect(socket);
  socket.write('hello');
  expect((await result).error?.code).toBe('ECONNRESET');
  expect(performance.now() - start).toBeGreaterThanOrEqual(350);
});

test('with toxicity 0 reset_peer never fires', async () => {
  const echo = await h.echo();
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'reset_peer', toxicity: 0, attributes: { timeout: 0 } }));
  const socket = await h.connect(proxy.listen);
  await h.roundTrip(socket, 'still here');
});

test('reset_peer added to a connection already open and copying (pg_rewind reading its source) aborts it, behind a bandwidth toxic too', async () => {
  const upstreamErrors: string[] = [];
  // The source: sends a chunk every 10 ms for as long as the connection lives, as a long copy does.
  const source = await h.peer((socket) => {
    socket.on('error', (err: NodeJS.ErrnoException) => upstreamErrors.push(err.code ?? ''));
    const timer = setInterval(() => socket.write(Buffer.alloc(1024, 1)), 10);
    socket.on('close', () => clearInterval(timer));
  });
  const proxy = await h.proxy(source);
  await proxy.addToxic(toxic({ name: 'narrow_downstream', type: 'bandwidth', stream: 'downstream', attributes: { rate: 1000 } }));
  const socket = await h.connect(proxy.listen);
  const result = collect(socket);
  let before = 0;
  socket.on('data', (d: Buffer) => (before += d.length));
  await until(() => before >= 4096, 5000, 'the copy flowing before the reset');
  // The fault's order: downstream first, then upstream, each its own API call.
  await proxy.addToxic(toxic({ name: 'cut_downstream', type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } }));
  await proxy.addToxic(toxic({ name: 'cut_upstream', type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } }));
  const { error, ended } = await within(result, 5000, 'the open connection reset');
  expect(error?.code).toBe('ECONNRESET');
  expect(ended).toBe(false);
  await until(() => upstreamErrors.includes('ECONNRESET'), 5000, 'the source reset too');
});

test('reset_peer leaves an open connection alone while nothing crosses it, and aborts it on its first byte', async () => {
  const echo = await h.echo();
  const proxy = await h.proxy(echo);
  const socket = await h.connect(proxy.listen);
  await h.roundTrip(socket, 'before');
  const result = collect(socket);
  await proxy.addToxic(toxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } }));
  await sleep(200);
  expect(socket.destroyed).toBe(false);
  socket.write('after');
  expect((await within(result, 5000, 'the reset')).error?.code).toBe('ECONNRESET');
});
