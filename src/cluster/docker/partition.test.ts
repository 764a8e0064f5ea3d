import { describe, expect, it } from 'vitest';
import type { DockerResult } from './cli.js';
import { allCures, partition, type PartitionTarget } from './partition.js';

/** A fake of the containers' INPUT chains: rules as strings, per container. */
function fakeTarget(o: { failOn?: string; stopped?: Set<string> } = {}) {
  const chains = new Map<string, string[]>();
  const ips: Record<string, string> = { a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3' };
  const ok = (stderr = '', code = 0): DockerResult => ({ code, stdout: '', stderr });
  const target: PartitionTarget = {
    ip: (n) => ips[n] as string,
    iptables: async (n, args) => {
      if (o.stopped?.has(n)) return ok(`Error response from daemon: container ${n} is not running`, 1);
      if (n === o.failOn) return ok('iptables: Permission denied', 4);
      const chain = chains.get(n) ?? [];
      const rule = args.slice(1).join(' ');
      if (args[0] === '-I') chain.unshift(rule);
      else if (args[0] === '-D') {
        const i = chain.indexOf(rule);
        if (i < 0) return ok('iptables: Bad rule (does a matching rule exist in that chain?).', 1);
        chain.splice(i, 1);
      }
      chains.set(n, chain);
      return ok();
    },
  };
  return { target, chains };
}

describe('partition', () => {
  it('drops both directions on the receiving sides, and the cure removes exactly its rules', async () => {
    const { target, chains } = fakeTarget();
    const other = await partition(target, 'tag-0', 'a', 'c');
    const cure = await partition(target, 'tag-1', 'a', 'b');
    expect(chains.get('b')).toContain('INPUT -s 10.0.0.1 -m comment --comment tag-1 -j DROP');
    expect(chains.get('a')).toContain('INPUT -s 10.0.0.2 -m comment --comment tag-1 -j DROP');
    await cure();
    await cure(); // a second call does nothing
    expect(chains.get('b')).toEqual([]);
    expect(chains.get('a')).toEqual(['INPUT -s 10.0.0.3 -m comment --comment tag-0 -j DROP']);
    await other();
    expect(chains.get('a')).toEqual([]);
  });

  it('one-way drops only what a sends to b', async () => {
    const { target, chains } = fakeTarget();
    await partition(target, 't', 'a', 'b', { oneWay: true });
    expect(chains.get('b')).toEqual(['INPUT -s 10.0.0.1 -m comment --comment t -j DROP']);
    expect(chains.get('a')).toBeUndefined();
  });

  it('undoes the half it applied when the other side fails, and names it', async () => {
    const { target, chains } = fakeTarget({ failOn: 'a' });
    await expect(partition(target, 't', 'a', 'b')).rejects.toThrow(/iptables in a failed \(exit 4\): iptables: Permission denied/);
    expect(chains.get('b')).toEqual([]);
  });

  it('a cure tolerates a container restarted or stopped since (its rules went with its namespace)', async () => {
    const stopped = new Set<string>();
    const { target, chains } = fakeTarget({ stopped });
    const cure = await partition(target, 't', 'a', 'b');
    chains.set('a', []); // restarted: a fresh network namespace
    stopped.add('b');
    await expect(cure()).resolves.toBeUndefined();
  });

  it('refuses to partition a container from itself', async () => {
    await expect(partition(fakeTarget().target, 't', 'a', 'a')).rejects.toThrow(/from itself/);
  });

  it('allCures runs every cure and reports every failure', async () => {
    const ran: number[] = [];
    const cure = allCures([
      async () => { ran.push(1); throw new Error('one'); },
      async () => { ran.push(2); },
      async () => { ran.push(3); throw new Error('three'); },
    ]);
    await expect(cure()).rejects.toThrow('one; three');
    expect(ran).toEqual([1, 2, 3]);
  });
});
