import { describe, expect, it } from 'vitest';
import { bisect, bridge, completeGrudge, describeGrudge, grudgeOf, majoritiesRing } from './grudges.js';

const inOrder = <T>(xs: readonly T[]): T[] => [...xs];
const reversed = <T>(xs: readonly T[]): T[] => [...xs].reverse();

/** Who can hear whom: b hears a unless b holds a grudge against a. */
function hears(g: Map<string, string[]>, hosts: string[]): Map<string, string[]> {
  return new Map(hosts.map((h) => [h, hosts.filter((o) => !(g.get(h) ?? []).includes(o))]));
}

describe('grudges (Jepsen nemesis shapes)', () => {
  it('bisects with the smaller half first', () => {
    expect(bisect(['a', 'b', 'c'])).toEqual([['a'], ['b', 'c']]);
    expect(bisect(['a', 'b', 'c', 'd'])).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('makes every host of a component drop every host of the others', () => {
    expect(completeGrudge([['a'], ['b', 'c']])).toEqual(new Map([['a', ['b', 'c']], ['b', ['a']], ['c', ['a']]]));
  });

  it('gives every host a majority, and no two hosts the same one, on 3 and on 5 hosts', () => {
    for (const hosts of [['h1', 'h2', 'h3'], ['n1', 'n2', 'n3', 'n4', 'n5']]) {
      for (const order of [inOrder, reversed]) {
        const g = majoritiesRing(hosts, order);
        const seen = hears(g, hosts);
        const majority = Math.floor(hosts.length / 2) + 1;
        for (const [, set] of seen) expect(set.length).toBe(majority);
        const keys = [...seen.values()].map((s) => [...s].sort().join(','));
        expect(new Set(keys).size).toBe(hosts.length);
      }
    }
  });

  it('cuts one direction of every pair on 3 hosts: over TCP no two hosts can talk', () => {
    const hosts = ['host1', 'host2', 'host3'];
    const g = majoritiesRing(hosts, inOrder);
    for (const a of hosts) for (const b of hosts) {
      if (a >= b) continue;
      const cut = (g.get(a) ?? []).includes(b) || (g.get(b) ?? []).includes(a);
      expect(cut, `${a}-${b}`).toBe(true);
    }
    expect(describeGrudge(g)).toBe('host2 drops host3; host3 drops host1; host1 drops host2');
  });

  it('keeps the bridge host connected to both halves, and the halves apart', () => {
    const g = bridge(['a', 'b', 'c'], inOrder);
    expect(g.has('b')).toBe(false);
    expect(g).toEqual(new Map([['a', ['c']], ['c', ['a']]]));
  });

  it('isolates one host from the others with random halves of 3', () => {
    expect(grudgeOf('random-halves', ['a', 'b', 'c'], inOrder)).toEqual(new Map([['a', ['b', 'c']], ['b', ['a']], ['c', ['a']]]));
  });

  it('describes an empty grudge plainly', () => {
    expect(describeGrudge(new Map())).toBe('no host drops anything');
  });
});
