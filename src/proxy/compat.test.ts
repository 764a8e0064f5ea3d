import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Harness, collect, toxic, within, type Peer } from './test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

const portOf = (listen: string): string => listen.slice(listen.lastIndexOf(':') + 1);
const XID = /^[0-9a-v]{20}$/;

// Behaviours of Toxiproxy 2.12 (its api.go, proxy.go, toxic_collection.go and api_test.go) that a client may rely on.
describe('request id', () => {
  test('every routed answer carries a fresh X-Toxiproxy-Request-Id, errors and refused browsers too', async () => {
    const first = await h.call('GET', '/version');
    const second = await h.call('GET', '/version');
    const missing = await h.call('GET', '/proxies/nope');
    const ids = [first, second, missing].map((r) => r.headers.get('x-toxiproxy-request-id'));
    for (const id of ids) expect(id).toMatch(XID);
    expect(new Set(ids).size).toBe(3);
    expect(missing.status).toBe(404);
    const browser = await fetch(`${h.server.url}/proxies`, { headers: { 'user-agent': 'Mozilla/5.0' } });
    await browser.text();
    expect(browser.status).toBe(403);
    expect(browser.headers.get('x-toxiproxy-request-id')).toMatch(XID);
  });

  test('unrouted paths and wrong verbs get none, and no browser check: gorilla/mux skips the middlewares', async () => {
    const unrouted = await h.call('GET', '/nope');
    const wrongVerb = await h.call('PUT', '/proxies');
    expect(unrouted.headers.get('x-toxiproxy-request-id')).toBeNull();
    expect(wrongVerb.headers.get('x-toxiproxy-request-id')).toBeNull();
    const browser = await fetch(`${h.server.url}/nope`, { headers: { 'user-agent': 'Mozilla/5.0' } });
    await browser.text();
    expect(browser.status).toBe(404);
  });
});

describe('listen addresses are resolved before they are compared', () => {
  test('PATCH with localhost:P for a proxy on 127.0.0.1:P keeps its live connections', async () => {
    const proxy = await h.proxy(echo, 'p');
    const socket = await h.connect(proxy.listen);
    await h.roundTrip(socket);
    const res = await h.call('PATCH', '/proxies/p', { listen: `localhost:${portOf(proxy.listen)}` });
    expect(res).toMatchObject({ status: 200, json: { listen: proxy.listen, enabled: true } });
    await within(h.roundTrip(socket, 'still here'), 2000, 'a round trip on the kept connection');
    expect(h.server.proxies.get('p').connectionCount).toBe(1);
  });

  test('populate with localhost:P keeps an unchanged proxy, its toxics and its connections (TestPopulateExistingProxy)', async () => {
    const proxy = await h.proxy(echo, 'one');
    await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 1, jitter: 0 } }));
    const socket = await h.connect(proxy.listen);
    await h.roundTrip(socket);
    const res = await h.call('POST', '/populate', [
      { name: 'one', listen: `localhost:${portOf(proxy.listen)}`, upstream: echo.address },
    ]);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ proxies: [{ name: 'one', listen: proxy.listen, toxics: [{ name: 'latency_downstream' }] }] });
    await within(h.roundTrip(socket, 'still here'), 2000, 'a round trip on the kept connection');
  });

  test('populate with an address that cannot be resolved stops there with a 500', async () => {
    await h.proxy(echo, 'one');
    const res = await h.call('POST', '/populate', [{ name: 'one', listen: 'local373', upstream: echo.address }]);
    expect(res).toMatchObject({ status: 500, json: { error: 'address local373: missing port in address', proxies: null } });
    expect(h.server.proxies.get('one').enabled).toBe(true);
  });
});

describe('listen errors in Go wording', () => {
  test('a port in use, asked for as localhost (TestCreateProxyPortConflict)', async () => {
    const taken = await h.proxy(echo, 'first');
    const res = await h.call('POST', '/proxies', {
      name: 'second',
      listen: `localhost:${portOf(taken.listen)}`,
      upstream: echo.address,
    });
    expect(res).toMatchObject({ status: 500, json: { error: `listen tcp ${taken.listen}: bind: address already in use` } });
  });

  test('a bad address in populate fails after the proxies before it (TestPopulateProxyWithBadDataShouldReturnError)', async () => {
    const res = await h.call('POST', '/populate', [
      { name: 'one', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'two', listen: 'local373', upstream: echo.address },
      { name: 'three', listen: '127.0.0.1:0', upstream: echo.address },
    ]);
    expect(res).toMatchObject({
      status: 500,
      json: { error: 'listen tcp: address local373: missing port in address', status: 500, proxies: [{ name: 'one' }] },
    });
    expect(h.server.proxies.list().map((p) => p.name)).toEqual(['one']);
    const outOfRange = await h.call('POST', '/proxies', { name: 'four', listen: '127.0.0.1:99999', upstream: echo.address });
    expect(outOfRange.json).toEqual({ error: 'listen tcp: address 99999: invalid port', status: 500 });
  });
});

describe('populate', () => {
  test('an empty list answers {"proxies":null}, as Go encodes an empty slice', async () => {
    const res = await h.call('POST', '/populate', []);
    expect(res.status).toBe(201);
    expect(res.text).toBe('{"proxies":null}');
  });

  test('an error at the first proxy answers proxies null', async () => {
    const taken = await h.proxy(echo, 'taken');
    const res = await h.call('POST', '/populate', [{ name: 'clash', listen: taken.listen, upstream: echo.address }]);
    expect(res).toMatchObject({ status: 500, json: { proxies: null } });
  });
});

describe('toxic stream', () => {
  test('is matched in any case but kept as spelled, in the answer and the default name', async () => {
    await h.proxy(echo, 'p');
    const res = await h.call('POST', '/proxies/p/toxics', { type: 'latency', stream: 'UpStream' });
    expect(res).toMatchObject({ status: 200, json: { name: 'latency_UpStream', stream: 'UpStream' } });
    const toxics = h.server.proxies.get('p').toxics;
    expect(toxics.chain('upstream').map((t) => t.name)).toEqual(['latency_UpStream']);
    expect(toxics.chain('downstream')).toEqual([]);
    expect((await h.call('GET', '/proxies/p/toxics')).json).toMatchObject([{ name: 'latency_UpStream', stream: 'UpStream' }]);
  });
});

describe('a proxy created without listen', () => {
  // As Toxiproxy: net.Listen("tcp", "") binds a free port on every interface (dual-stack "[::]").
  // The test talks to it over loopback only, and deletes it at once.
  test('binds a free port on every interface and answers 201', async () => {
    const res = await h.call('POST', '/proxies', { name: 'anywhere', upstream: echo.address });
    expect(res).toMatchObject({ status: 201, json: { name: 'anywhere', enabled: true } });
    const listen = (res.json as { listen: string }).listen;
    expect(listen).toMatch(/^(\[::\]|0\.0\.0\.0):[1-9]\d*$/);
    const socket = await h.connect(`127.0.0.1:${portOf(listen)}`);
    await h.roundTrip(socket);
    const closed = collect(socket);
    expect((await h.call('DELETE', '/proxies/anywhere')).status).toBe(204);
    await closed;
  });
});
