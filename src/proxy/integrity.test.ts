import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Harness, collect, sha256, sleep, toxic, until, within, type Peer } from './test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

const MB = 1024 * 1024;

/** Sends `data` through an echo peer and returns what came back. */
async function echoed(listen: string, data: Buffer): Promise<Buffer> {
  const socket = await h.connect(listen);
  const back = collect(socket);
  socket.end(data);
  return (await within(back, 20_000, 'the echo')).data;
}

async function writeAll(socket: Socket, data: Buffer, piece = 64 * 1024): Promise<void> {
  for (let offset = 0; offset < data.length; offset += piece) {
    if (!socket.write(data.subarray(offset, offset + piece))) await once(socket, 'drain');
  }
}

/** Sends `data` in as many segments as there are steps, each step run after its segment, then ends the socket. */
async function sendAcross(socket: Socket, data: Buffer, steps: readonly (() => Promise<unknown>)[]): Promise<void> {
  const segment = data.length / steps.length;
  for (const [i, step] of steps.entries()) {
    await writeAll(socket, data.subarray(i * segment, (i + 1) * segment));
    await step();
  }
  socket.end();
}

describe('bytes arrive intact and in order', () => {
  test('8 MB each way with no toxic', async () => {
    const proxy = await h.proxy(echo);
    const data = randomBytes(8 * MB);
    expect(sha256(await echoed(proxy.listen, data))).toBe(sha256(data));
  });

  test('8 MB each way through latency with jitter', async () => {
    const proxy = await h.proxy(echo);
    await proxy.addToxic(toxic({ type: 'latency', stream: 'upstream', attributes: { latency: 10, jitter: 5 } }));
    await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 10, jitter: 5 } }));
    const data = randomBytes(8 * MB);
    expect(sha256(await echoed(proxy.listen, data))).toBe(sha256(data));
  });

  test('4 MB each way through slicer and bandwidth', async () => {
    const proxy = await h.proxy(echo);
    for (const stream of ['upstream', 'downstream'] as const) {
      const slicer = { average_size: 1500, size_variation: 500, delay: 0 };
      await proxy.addToxic(toxic({ type: 'slicer', name: `slicer_${stream}`, stream, attributes: slicer }));
      await proxy.addToxic(toxic({ type: 'bandwidth', name: `bw_${stream}`, stream, attributes: { rate: 20_000 } }));
    }
    const data = randomBytes(4 * MB);
    expect(sha256(await echoed(proxy.listen, data))).toBe(sha256(data));
  });

  test('40 concurrent connections, each with its own data', async () => {
    const proxy = await h.proxy(echo);
    await proxy.addToxic(toxic({ type: 'slicer', attributes: { average_size: 4096, size_variation: 1024, delay: 0 } }));
    const inputs = Array.from({ length: 40 }, () => randomBytes(256 * 1024));
    const outputs = await Promise.all(inputs.map((data) => echoed(proxy.listen, data)));
    outputs.forEach((out, i) => expect(sha256(out)).toBe(sha256(inputs[i] ?? Buffer.alloc(0))));
    await until(() => h.server.proxies.get(proxy.name).connectionCount === 0, 5000, 'connections to close');
  });

  test('toxics added, updated and removed mid-transfer lose nothing', async () => {
    const proxy = await h.proxy(echo);
    // A bandwidth cap keeps a backlog inside the chain while it is being rebuilt.
    const cap = await proxy.addToxic(toxic({ type: 'bandwidth', name: 'cap', attributes: { rate: 20_000 } }));
    const socket = await h.connect(proxy.listen);
    const back = collect(socket);
    const data = randomBytes(16 * MB);
    const steps: (() => Promise<unknown>)[] = [
      () => proxy.addToxic(toxic({ type: 'latency', name: 'lag', attributes: { latency: 5, jitter: 3 } })),
      () => proxy.addToxic(toxic({ type: 'slicer', name: 'cut', stream: 'upstream', attributes: { average_size: 4096, size_variation: 1000, delay: 0 } })),
      () => h.client.get(proxy.name).then((p) => p.getToxic('lag')).then((t) => t.remove()),
      () => proxy.getToxic('cut').then((t) => t.update(toxic({ attributes: { average_size: 700, size_variation: 100, delay: 0 } }))),
      () => cap.update(toxic({ attributes: { rate: 40_000 } })),
      () => proxy.addToxic(toxic({ type: 'latency', name: 'lag2', stream: 'upstream', attributes: { latency: 3, jitter: 0 } })),
      () => cap.remove(),
      () => h.client.reset(),
    ];
    await sendAcross(socket, data, steps);
    expect(sha256((await within(back, 20_000, 'the echo')).data)).toBe(sha256(data));
  });

  test('the last toxic removed while a backlog waits for a server that is not reading: nothing overtakes it', async () => {
    // Once no toxic is left, chunks may skip the chain, but only after what the chain still holds.
    const sinks: Socket[] = [];
    const paused = await h.peer((socket) => {
      socket.pause();
      sinks.push(socket);
    });
    const proxy = await h.proxy(paused);
    const lag = await proxy.addToxic(toxic({ type: 'latency', stream: 'upstream', attributes: { latency: 5, jitter: 0 } }));
    const socket = await h.connect(proxy.listen);
    const [before, after] = [randomBytes(8 * MB), randomBytes(MB)];
    socket.write(before);
    await sleep(300);
    await lag.remove();
    socket.end(after);
    await sleep(300);
    const sink = sinks[0];
    if (sink === undefined) throw new Error('no upstream connection');
    const received = collect(sink);
    sink.resume();
    expect(sha256((await within(received, 20_000, 'the data')).data)).toBe(sha256(Buffer.concat([before, after])));
  });

  test('noop toxics added and removed mid-transfer, with other toxics between, lose and reorder nothing', async () => {
    const proxy = await h.proxy(echo);
    const socket = await h.connect(proxy.listen);
    const back = collect(socket);
    const data = randomBytes(16 * MB);
    const toxics = h.server.proxies.get(proxy.name).toxics;
    const steps: (() => Promise<unknown>)[] = [
      // The node client's types know no noop toxic; the server takes it as Toxiproxy does.
      () => toxics.add({ type: 'noop', name: 'pass_up', stream: 'upstream' }),
      () => toxics.add({ type: 'noop', name: 'pass_down', stream: 'downstream' }),
      () => proxy.addToxic(toxic({ type: 'bandwidth', name: 'cap', attributes: { rate: 20_000 } })),
      () => toxics.remove('pass_down'),
      () => proxy.addToxic(toxic({ type: 'latency', name: 'lag', stream: 'upstream', attributes: { latency: 5, jitter: 0 } })),
      () => toxics.remove('cap'),
      () => toxics.remove('lag'),
      () => h.client.reset(),
    ];
    await sendAcross(socket, data, steps);
    expect(sha256((await within(back, 20_000, 'the echo')).data)).toBe(sha256(data));
  });
});

describe('half-close', () => {
  test('the client ends its side and still gets the whole reply', async () => {
    const hasher = await h.peer((socket) => {
      void collect(socket).then(({ data }) => socket.end(sha256(data)));
    });
    const proxy = await h.proxy(hasher);
    await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 20, jitter: 0 } }));
    const socket = await h.connect(proxy.listen);
    const data = randomBytes(MB);
    const reply = collect(socket);
    socket.end(data);
    const { data: digest, ended } = await reply;
    expect(digest.toString()).toBe(sha256(data));
    expect(ended).toBe(true);
  });

  test('the server ends first and the client keeps sending', async () => {
    let serverGot: Promise<Buffer> | undefined;
    const greeter = await h.peer((socket) => {
      socket.end('hello');
      serverGot = collect(socket).then((r) => r.data);
    });
    const proxy = await h.proxy(greeter);
    await proxy.addToxic(toxic({ type: 'latency', stream: 'upstream', attributes: { latency: 20, jitter: 0 } }));
    const socket = await h.connect(proxy.listen);
    const greeting = await collect(socket);
    expect(greeting).toMatchObject({ ended: true });
    expect(greeting.data.toString()).toBe('hello');
    await sleep(50);
    const data = randomBytes(MB);
    socket.end(data);
    await until(() => serverGot !== undefined);
    expect(sha256((await serverGot) ?? Buffer.alloc(0))).toBe(sha256(data));
  });
});

test.each([
  { chain: 'no toxics', toxics: [] },
  { chain: 'noop toxics', toxics: ['upstream', 'downstream'] as const },
])('backpressure with $chain: a server that stops reading stalls the client instead of filling the proxy', async ({ toxics }) => {
  const sinks: Socket[] = [];
  const slow = await h.peer((socket) => {
    socket.pause();
    sinks.push(socket);
  });
  const proxy = await h.proxy(slow);
  for (const stream of toxics) await h.server.proxies.get(proxy.name).toxics.add({ type: 'noop', stream });
  const socket = await h.connect(proxy.listen);
  const data = randomBytes(64 * MB);
  socket.write(data);
  // Wait until the client can push no more: kernel buffers full on every hop.
  let last = -1;
  while (socket.writableLength !== last) {
    last = socket.writableLength;
    await sleep(300);
  }
  expect(socket.writableLength).toBeGreaterThan(0);
  expect(h.server.proxies.get(proxy.name).bufferedBytes).toBeLessThan(2 * MB);

  const sink = sinks[0];
  if (sink === undefined) throw new Error('no upstream connection');
  const received = collect(sink);
  sink.resume();
  socket.end();
  expect(sha256((await received).data)).toBe(sha256(data));
});
