import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Harness, collect, toxic, type Peer } from './test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

// The HTTP API driven through toxiproxy-node-client, and raw where status codes and bodies matter.
describe('server', () => {
  test('GET /version answers {"version": ...} JSON, as Toxiproxy 2.6+', async () => {
    const text = await h.client.getVersion();
    expect(JSON.parse(text)).toEqual({ version: expect.stringMatching(/^2\.\d+\.\d+$/) });
    expect((await h.call('GET', '/version')).type).toBe('application/json;charset=utf-8');
  });

  test('unknown paths are 404, wrong verbs 405, browsers 403', async () => {
    expect((await h.call('GET', '/nope')).status).toBe(404);
    expect((await h.call('GET', '/proxies/a/b')).status).toBe(404);
    expect((await h.call('PUT', '/proxies')).status).toBe(405);
    expect((await h.call('GET', '/reset')).status).toBe(405);
    const res = await fetch(`${h.server.url}/proxies`, { headers: { 'user-agent': 'Mozilla/5.0' } });
    expect(res.status).toBe(403);
    await res.text();
  });
});

describe('proxies', () => {
  test('createProxy binds a free port, reports it, and carries traffic', async () => {
    const proxy = await h.proxy(echo, 'db');
    expect(proxy.toJson()).toEqual({
      name: 'db',
      listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      upstream: echo.address,
      enabled: true,
    });
    expect(proxy.listen).not.toBe('127.0.0.1:0');
    const socket = await h.connect(proxy.listen);
    await h.roundTrip(socket, 'hello');
  });

  test('POST /proxies answers 201 with the proxy and its (empty) toxics', async () => {
    const res = await h.call('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream: echo.address });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: 'p', upstream: echo.address, enabled: true, toxics: [] });
  });

  test('getAll and get return proxies with their toxics', async () => {
    const a = await h.proxy(echo, 'a');
    await h.proxy(echo, 'b');
    await a.addToxic(toxic({ type: 'latency', attributes: { latency: 5, jitter: 0 } }));
    const all = await h.client.getAll();
    expect(Object.keys(all).sort()).toEqual(['a', 'b']);
    expect((await h.client.get('a')).listen).toBe(a.listen);
    const res = await h.call('GET', '/proxies');
    expect(res.json).toEqual({
      a: {
        name: 'a',
        listen: a.listen,
        upstream: echo.address,
        enabled: true,
        toxics: [
          {
            name: 'latency_downstream',
            type: 'latency',
            stream: 'downstream',
            toxicity: 1,
            attributes: { latency: 5, jitter: 0 },
          },
        ],
      },
      b: expect.objectContaining({ name: 'b', toxics: [] }),
    });
  });

  test('a duplicate name is 409', async () => {
    await h.proxy(echo, 'dup');
    await expect(h.proxy(echo, 'dup')).rejects.toThrow('409');
    const res = await h.call('POST', '/proxies', { name: 'dup', listen: '127.0.0.1:0', upstream: echo.address });
    expect(res).toMatchObject({ status: 409, json: { error: 'proxy already exists', status: 409 } });
  });

  test('bad input is 400 with an {error, status} body', async () => {
    const missingName = await h.call('POST', '/proxies', { upstream: echo.address });
    expect(missingName.json).toEqual({ error: 'missing required field: name', status: 400 });
    const missingUpstream = await h.call('POST', '/proxies', { name: 'x' });
    expect(missingUpstream.json).toEqual({ error: 'missing required field: upstream', status: 400 });
    const notJson = await h.call('POST', '/proxies', '{nope');
    expect(notJson.status).toBe(400);
    expect(notJson.json).toMatchObject({ error: expect.stringMatching(/^bad request body/) });
    expect((await h.call('POST', '/proxies', { name: 5, upstream: 'x:1' })).status).toBe(400);
    expect((await h.call('POST', '/proxies', [])).status).toBe(400);
    expect((await h.call('POST', '/proxies')).status).toBe(400);
  });

  test('a listen address that cannot be bound is an error and creates nothing', async () => {
    const taken = await h.proxy(echo, 'first');
    const res = await h.call('POST', '/proxies', { name: 'second', listen: taken.listen, upstream: echo.address });
    // Go's net.Listen wording, which Toxiproxy passes on.
    expect(res.json).toEqual({ error: `listen tcp ${taken.listen}: bind: address already in use`, status: 500 });
    expect((await h.call('GET', '/proxies/second')).status).toBe(404);
  });

  test('a missing proxy or toxic is 404', async () => {
    await expect(h.client.get('nope')).rejects.toThrow('404');
    expect((await h.call('GET', '/proxies/nope')).json).toEqual({ error: 'proxy not found', status: 404 });
    expect((await h.call('DELETE', '/proxies/nope')).status).toBe(404);
    expect((await h.call('POST', '/proxies/nope', { enabled: false })).status).toBe(404);
    expect((await h.call('GET', '/proxies/nope/toxics')).status).toBe(404);
    await h.proxy(echo, 'p');
    expect((await h.call('GET', '/proxies/p/toxics/nope')).json).toEqual({ error: 'toxic not found', status: 404 });
    expect((await h.call('DELETE', '/proxies/p/toxics/nope')).status).toBe(404);
    expect((await h.call('POST', '/proxies/p/toxics/nope', { toxicity: 1 })).status).toBe(404);
  });

  test('created disabled, a proxy does not listen until enabled', async () => {
    const proxy = await h.client.createProxy({ name: 'off', listen: '127.0.0.1:0', upstream: echo.address, enabled: false });
    expect(proxy.enabled).toBe(false);
    expect(proxy.listen).toBe('127.0.0.1:0');
    const on = await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(on.enabled).toBe(true);
    expect(on.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    await h.roundTrip(await h.connect(on.listen));
  });

  test('disabling closes the listener and every open connection; enabling reopens the same port', async () => {
    const proxy = await h.proxy(echo);
    const socket = await h.connect(proxy.listen);
    await h.roundTrip(socket);
    const closed = collect(socket);
    const off = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(off.enabled).toBe(false);
    await closed;
    await expect(h.connect(proxy.listen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const on = await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(on.listen).toBe(proxy.listen);
    await h.roundTrip(await h.connect(on.listen));
  });

  test('PATCH updates a proxy like POST does', async () => {
    const proxy = await h.proxy(echo, 'patched');
    const res = await h.call('PATCH', '/proxies/patched', { enabled: false });
    expect(res).toMatchObject({ status: 200, json: { name: 'patched', enabled: false, listen: proxy.listen } });
  });

  test('a new upstream applies to new connections', async () => {
    const other = await h.peer((socket) => socket.end('other'));
    const proxy = await h.proxy(echo);
    const moved = await proxy.update({ enabled: true, listen: proxy.listen, upstream: other.address });
    expect(moved.upstream).toBe(other.address);
    const received = await collect(await h.connect(moved.listen));
    expect(received.data.toString()).toBe('other');
  });

  test('delete removes the proxy and frees its port', async () => {
    const proxy = await h.proxy(echo, 'gone');
    expect((await h.call('DELETE', '/proxies/gone')).status).toBe(204);
    await expect(h.client.get('gone')).rejects.toThrow('404');
    await expect(h.connect(proxy.listen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.remove().catch(() => undefined);
  });

  test('remove() through the client deletes', async () => {
    const proxy = await h.proxy(echo, 'bye');
    await proxy.remove();
    expect(Object.keys(await h.client.getAll())).toEqual([]);
  });
});
