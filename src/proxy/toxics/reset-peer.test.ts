import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, collect, toxic, until } from '../test-helpers.js';

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
