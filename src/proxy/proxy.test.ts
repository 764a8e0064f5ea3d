import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { startFromArgs, stopOnSignals } from './main.js';
import { ToxiproxyServer } from './server.js';
import { Harness, collect, sleep, toxic, until, type Peer } from './test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

test('a client of a proxy whose upstream refuses is closed at once', async () => {
  const dead = await h.peer(() => undefined);
  await dead.close();
  const proxy = await h.proxy(dead.address);
  const result = await collect(await h.connect(proxy.listen));
  expect(result.data.length).toBe(0);
});

test('connections are forgotten once closed, however they ended', async () => {
  const proxy = await h.proxy(echo);
  const state = h.server.proxies.get(proxy.name);
  const polite = await h.connect(proxy.listen);
  await h.roundTrip(polite);
  const rude = await h.connect(proxy.listen);
  await h.roundTrip(rude);
  expect(state.connectionCount).toBe(2);
  polite.end();
  rude.resetAndDestroy();
  await until(() => state.connectionCount === 0, 5000, 'connections to close');

  await proxy.addToxic(toxic({ type: 'limit_data', attributes: { bytes: 2 } }));
  const limited = await h.connect(proxy.listen);
  const result = collect(limited);
  limited.write('hello');
  expect((await result).data.toString()).toBe('he');
  limited.end();
  await until(() => state.connectionCount === 0, 5000, 'limited connection to close');
});

test('disposing the server stops its API, its proxies and their connections', async () => {
  let closed;
  let api = '';
  let listen = '';
  {
    await using server = new ToxiproxyServer({ host: '127.0.0.1', port: 0 });
    api = await server.start();
    const proxy = await server.proxies.create({ name: 'p', listen: '127.0.0.1:0', upstream: echo.address });
    listen = proxy.listen;
    const socket = await h.connect(listen);
    await h.roundTrip(socket);
    closed = collect(socket);
  }
  await closed;
  await expect(h.connect(listen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  await expect(fetch(`${api}/version`)).rejects.toThrow();
});

test('the standalone entry point takes --host/--port/--config and stops on SIGTERM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'toxiproxy-'));
  const config = join(dir, 'proxies.json');
  await writeFile(config, JSON.stringify([{ name: 'from_config', listen: '127.0.0.1:0', upstream: echo.address }]));
  const server = await startFromArgs(['--host', '127.0.0.1', '-port', '0', '--config', config]);
  try {
    expect(server.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/proxies/from_config`);
    expect(await res.json()).toMatchObject({ name: 'from_config', enabled: true });
    const signals = new EventEmitter();
    const exited = new Promise<number>((resolve) => stopOnSignals(server, signals, resolve));
    signals.emit('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${server.url}/version`)).rejects.toThrow();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true });
  }
});

test('the entry point rejects a bad port', async () => {
  await expect(startFromArgs(['--port', 'http'])).rejects.toThrow('invalid port');
});

test('a proxy keeps serving while toxics churn on many connections', async () => {
  const proxy = await h.proxy(echo);
  const sockets = await Promise.all(Array.from({ length: 20 }, () => h.connect(proxy.listen)));
  const churn = (async () => {
    for (let i = 0; i < 10; i++) {
      const t = await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 2, jitter: 1 } }));
      await sleep(5);
      await t.remove();
    }
  })();
  for (let round = 0; round < 5; round++) {
    await Promise.all(sockets.map((s, i) => h.roundTrip(s, `message ${round}/${i}`)));
  }
  await churn;
});
