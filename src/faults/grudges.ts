/**
 * Jepsen's grudges (jepsen.nemesis): a grudge maps each host to the hosts
 * whose packets it drops. A host absent from the map drops nothing.
 */
export type Grudge = Map<string, string[]>;

export const GRUDGES = ['majorities-ring', 'bridge', 'random-halves'] as const;
export type GrudgeShape = (typeof GRUDGES)[number];

type Shuffle = <T>(xs: readonly T[]) => T[];

export const shuffle: Shuffle = (xs) => {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
  }
  return out;
};

/** Every host of each component drops every host of the others. */
export function completeGrudge(components: readonly (readonly string[])[]): Grudge {
  const all = components.flat();
  return new Map(components.flatMap((c) => c.map((h) => [h, all.filter((o) => !c.includes(o))] as [string, string[]])));
}

/** Two halves, the first the smaller (jepsen's bisect). */
export function bisect(hosts: readonly string[]): [string[], string[]] {
  const k = Math.floor(hosts.length / 2);
  return [hosts.slice(0, k), hosts.slice(k)];
}

/**
 * Every host sees a majority, and no two see the same one: hosts in a ring,
 * each window of `majority` consecutive hosts is the majority its middle
 * host keeps; it drops the rest. With three hosts each host drops one other
 * one way, so every pair loses one direction: over TCP, which needs both,
 * no two hosts can talk at all.
 */
export function majoritiesRing(hosts: readonly string[], order: Shuffle = shuffle): Grudge {
  const ring = order(hosts);
  const n = ring.length;
  const m = Math.floor(n / 2) + 1;
  const grudge: Grudge = new Map();
  for (let i = 0; i < n; i++) {
    const window = Array.from({ length: m }, (_, k) => ring[(i + k) % n] as string);
    grudge.set(window[Math.floor(m / 2)] as string, ring.filter((h) => !window.includes(h)));
  }
  return grudge;
}

/** Two halves with one host in the middle that both halves see and that sees both (jepsen's bridge). */
export function bridge(hosts: readonly string[], order: Shuffle = shuffle): Grudge {
  const [first, second] = bisect(order(hosts));
  const middle = second[0] as string;
  const grudge = completeGrudge([first, second]);
  grudge.delete(middle);
  for (const [h, drops] of grudge) grudge.set(h, drops.filter((d) => d !== middle));
  return grudge;
}

export function grudgeOf(shape: GrudgeShape, hosts: readonly string[], order: Shuffle = shuffle): Grudge {
  switch (shape) {
    case 'majorities-ring': return majoritiesRing(hosts, order);
    case 'bridge': return bridge(hosts, order);
    case 'random-halves': return completeGrudge(bisect(order(hosts)));
  }
}

/** "host1 drops host3; host2 drops host1" */
export function describeGrudge(g: Grudge): string {
  const parts = [...g].filter(([, d]) => d.length > 0).map(([h, d]) => `${h} drops ${d.join(', ')}`);
  return parts.length === 0 ? 'no host drops anything' : parts.join('; ');
}
