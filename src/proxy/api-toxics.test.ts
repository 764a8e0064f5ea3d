import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Harness, toxic, type Peer } from './test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

// Updates take the same body type as creation; Toxiproxy keeps whatever is left out.
const toxicUpdate = toxic;

// The populate, toxic and reset endpoints, through toxiproxy-node-client and raw.
describe('populate', () => {
  test('creates proxies and answers 201 {proxies: [...]}', async () => {
    const res = await h.call('POST', '/populate', [
      { name: 'one', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'two', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ]);
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      proxies: [
        expect.objectContaining({ name: 'one', enabled: true, toxics: [] }),
        expect.objectContaining({ name: 'two', enabled: false, listen: '127.0.0.1:0' }),
      ],
    });
  });

  test('keeps an unchanged proxy (and its toxics) and replaces a changed one', async () => {
    const created = await h.client.populate([
      { name: 'keep', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'swap', listen: '127.0.0.1:0', upstream: echo.address },
    ]);
    const keep = created.keep;
    const swap = created.swap;
    if (keep === undefined || swap === undefined) throw new Error('populate lost a proxy');
    await keep.addToxic(toxic({ type: 'latency', attributes: { latency: 1, jitter: 0 } }));
    await swap.addToxic(toxic({ type: 'latency', attributes: { latency: 1, jitter: 0 } }));
    const again = await h.client.populate([
      { name: 'keep', listen: keep.listen, upstream: echo.address },
      { name: 'swap', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' },
    ]);
    expect(again.keep?.listen).toBe(keep.listen);
    expect((await h.call('GET', '/proxies/keep')).json).toMatchObject({ toxics: [{ name: 'latency_downstream' }] });
    expect((await h.call('GET', '/proxies/swap')).json).toMatchObject({ upstream: '127.0.0.1:1', toxics: [] });
  });

  test('rejects a bad entry with 400 before creating anything', async () => {
    const res = await h.call('POST', '/populate', [
      { name: 'fine', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'broken', listen: '127.0.0.1:0' },
    ]);
    expect(res).toMatchObject({
      status: 400,
      json: { error: 'missing required field: upstream at proxy 2', status: 400, proxies: null },
    });
    expect(Object.keys(await h.client.getAll())).toEqual([]);
    expect((await h.call('POST', '/populate', { name: 'x' })).status).toBe(400);
  });
});

describe('toxics', () => {
  test('add fills in Toxiproxy defaults; get, list, update and remove', async () => {
    const proxy = await h.proxy(echo, 'p');
    const added = await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 10, jitter: 0 } }));
    expect(added.toJson()).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 0 },
    });
    expect((await proxy.getToxic('latency_downstream')).toJson()).toEqual(added.toJson());
    expect((await h.call('GET', '/proxies/p/toxics')).json).toEqual([added.toJson()]);

    const partial = await added.update(toxicUpdate({ attributes: { jitter: 3 } as never }));
    expect(partial.attributes).toEqual({ latency: 10, jitter: 3 });
    expect(partial.toxicity).toBe(1);
    const rarer = await added.update(toxicUpdate({ toxicity: 0.5 }));
    expect(rarer.toJson()).toMatchObject({ toxicity: 0.5, attributes: { latency: 10, jitter: 3 } });
    const patched = await h.call('PATCH', '/proxies/p/toxics/latency_downstream', { attributes: { latency: 20 } });
    expect(patched.json).toMatchObject({ attributes: { latency: 20, jitter: 3 } });

    await added.remove();
    expect((await h.call('GET', '/proxies/p/toxics')).json).toEqual([]);
  });

  test('POST /toxics answers 200, DELETE 204', async () => {
    await h.proxy(echo, 'p');
    const res = await h.call('POST', '/proxies/p/toxics', { type: 'timeout', name: 't', stream: 'upstream' });
    expect(res).toMatchObject({ status: 200, json: { name: 't', stream: 'upstream', attributes: { timeout: 0 } } });
    expect((await h.call('DELETE', '/proxies/p/toxics/t')).status).toBe(204);
  });

  test('bad toxics are 400, duplicates 409', async () => {
    await h.proxy(echo, 'p');
    await h.call('POST', '/proxies/p/toxics', { type: 'latency' });
    const dup = await h.call('POST', '/proxies/p/toxics', { type: 'latency' });
    expect(dup.json).toEqual({ error: 'toxic already exists', status: 409 });
    const badType = await h.call('POST', '/proxies/p/toxics', { type: 'nope' });
    expect(badType.json).toEqual({ error: 'invalid toxic type', status: 400 });
    const badStream = await h.call('POST', '/proxies/p/toxics', { type: 'latency', stream: 'sideways', name: 'x' });
    expect(badStream.json).toEqual({ error: 'stream was invalid, can be either upstream or downstream', status: 400 });
    const badAttribute = await h.call('POST', '/proxies/p/toxics', { type: 'latency', name: 'y', attributes: { latency: 'x' } });
    expect(badAttribute.status).toBe(400);
    const fraction = await h.call('POST', '/proxies/p/toxics', { type: 'latency', name: 'z', attributes: { latency: 1.5 } });
    expect(fraction.status).toBe(400);
    expect((await h.call('POST', '/proxies/p/toxics/latency_downstream', { toxicity: 'all' })).status).toBe(400);
    expect((await h.call('POST', '/proxies/p/toxics', 'nope')).status).toBe(400);
  });

  test('every toxic type takes its own attributes, defaulting the rest to 0', async () => {
    const proxy = await h.proxy(echo, 'p');
    const expected: Record<string, Record<string, number>> = {
      latency: { latency: 0, jitter: 0 },
      bandwidth: { rate: 0 },
      slow_close: { delay: 0 },
      timeout: { timeout: 0 },
      reset_peer: { timeout: 0 },
      slicer: { average_size: 0, size_variation: 0, delay: 0 },
      limit_data: { bytes: 0 },
      noop: {},
    };
    for (const [type, attributes] of Object.entries(expected)) {
      const added = await proxy.addToxic(toxic({ type: type as never, stream: 'upstream', attributes: { unknown: 1 } }));
      expect(added.toJson()).toMatchObject({ name: `${type}_upstream`, type, attributes });
    }
  });

  test('listing puts upstream toxics first, each direction in the order added', async () => {
    const proxy = await h.proxy(echo, 'p');
    await proxy.addToxic(toxic({ type: 'latency', name: 'd1' }));
    await proxy.addToxic(toxic({ type: 'latency', name: 'u1', stream: 'upstream' }));
    await proxy.addToxic(toxic({ type: 'latency', name: 'd2' }));
    const list = (await h.call('GET', '/proxies/p/toxics')).json as { name: string }[];
    expect(list.map((t) => t.name)).toEqual(['u1', 'd1', 'd2']);
  });
});

describe('reset', () => {
  test('enables every proxy and removes every toxic (204)', async () => {
    const off = await h.proxy(echo, 'off');
    await off.update({ enabled: false, listen: off.listen, upstream: off.upstream });
    const toxic1 = await h.proxy(echo, 'toxic');
    await toxic1.addToxic(toxic({ type: 'timeout', attributes: { timeout: 0 } }));
    await toxic1.addToxic(toxic({ type: 'latency', stream: 'upstream' }));
    expect((await h.call('POST', '/reset')).status).toBe(204);
    await h.client.reset();
    const all = (await h.call('GET', '/proxies')).json as Record<string, { enabled: boolean; toxics: unknown[] }>;
    expect(all.off).toMatchObject({ enabled: true, toxics: [] });
    expect(all.toxic).toMatchObject({ enabled: true, toxics: [] });
    await h.roundTrip(await h.connect(off.listen));
    await h.roundTrip(await h.connect(toxic1.listen));
  });
});
