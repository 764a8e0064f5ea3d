import { afterEach, beforeEach, expect, test } from 'vitest';
import { Harness, toxic, type Peer } from '../test-helpers.js';

let h: Harness;
let echo: Peer;
beforeEach(async () => {
  h = await Harness.start();
  echo = await h.echo();
});
afterEach(async () => {
  await h.close();
});

async function roundTrips(listen: string, count: number): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, async () => h.roundTrip(await h.connect(listen))));
}

test('toxicity 0 never applies the toxic', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'latency', toxicity: 0, attributes: { latency: 2000, jitter: 0 } }));
  for (const rtt of await roundTrips(proxy.listen, 8)) expect(rtt).toBeLessThan(1500);
});

test('toxicity 1 always applies it', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'latency', toxicity: 1, attributes: { latency: 300, jitter: 0 } }));
  for (const rtt of await roundTrips(proxy.listen, 8)) expect(rtt).toBeGreaterThanOrEqual(295);
});

test('toxicity is decided per connection, and each keeps its draw', async () => {
  const proxy = await h.proxy(echo);
  await proxy.addToxic(toxic({ type: 'latency', toxicity: 0.5, attributes: { latency: 2000, jitter: 0 } }));
  const sockets = await Promise.all(Array.from({ length: 24 }, () => h.connect(proxy.listen)));
  const first = await Promise.all(sockets.map((s) => h.roundTrip(s)));
  const slow = first.map((rtt) => rtt >= 1950);
  // Both outcomes among 24 fair draws; all alike has odds of 1 in 8 million.
  expect(slow.filter(Boolean).length).toBeGreaterThan(0);
  expect(slow.filter((s) => !s).length).toBeGreaterThan(0);
  const second = await Promise.all(sockets.map((s) => h.roundTrip(s)));
  second.forEach((rtt, i) => expect(rtt >= 1950).toBe(slow[i]));
});
