import { describe, expect, it } from 'vitest';
import type { DockerResult } from './engine.js';
import { BURST_SCRIPT, countersByComment, lossComment, lossRules, lossyPaths, percent } from './loss.js';
import type { ProbeTarget } from './partition.js';

const ok = (stdout = '', code = 0, stderr = ''): DockerResult => ({ code, stdout, stderr });

/**
 * Containers whose INPUT chains hold rules as strings, each with a packet
 * counter; a burst from `a` sends `packets` packets each way on each
 * path: a DROP rule counts `dropShare` of them, the counter below it the rest.
 */
function fakeHosts(o: { dropShare: number; packets: number; paused?: Set<string>; trafficPerInsert?: number }) {
  const ips: Record<string, string> = { a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3' };
  const chains = new Map<string, { rule: string; pkts: number }[]>();
  const execs: string[][] = [];
  const target: ProbeTarget = {
    ip: (n) => ips[n] as string,
    probePort: () => 5432,
    state: async (n) => (o.paused?.has(n) ? 'paused' : 'running'),
    iptables: async (n, args) => {
      const chain = chains.get(n) ?? [];
      chains.set(n, chain);
      const rule = args.slice(1).join(' ');
      if (args[0] === '-I') {
        // Replication goes on while the rules go in one by one: it reaches the counters already in.
        for (const c of chains.values()) for (const r of c) if (!r.rule.includes('DROP')) r.pkts += o.trafficPerInsert ?? 0;
        chain.unshift({ rule, pkts: 0 });
      }
      else if (args[0] === '-D') {
        if (o.paused?.has(n)) return { ...ok('', 1, `Error response from daemon: Container ${n} is paused, unpause the container before exec`), noExit: 'paused' };
        const i = chain.findIndex((r) => r.rule === rule);
        if (i < 0) return ok('', 1, 'iptables: Bad rule (does a matching rule exist in that chain?).');
        chain.splice(i, 1);
      } else if (args[0] === '-L') {
        const lines = chain.map((r) => `${String(r.pkts).padStart(8)}     ${r.pkts * 60} ${r.rule.includes('DROP') ? 'DROP' : '    '}       all  --  *      *       ${r.rule.split(' ')[2]}    0.0.0.0/0            /* ${r.rule.split(' ')[6]} */${r.rule.includes('statistic') ? ' statistic mode random probability 0.30000000000' : ''}`);
        return ok(`Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n    pkts      bytes target     prot opt in     out     source               destination\n${lines.join('\n')}\n`);
      }
      return ok();
    },
    exec: async (n, argv) => {
      execs.push([n, ...argv]);
      if (argv.join(' ').includes('burst-done')) {
        for (const chain of chains.values()) for (const r of chain) r.pkts += r.rule.includes('DROP') ? Math.round(o.packets * o.dropShare) : o.packets - Math.round(o.packets * o.dropShare);
        return ok('burst-done\n');
      }
      // probePath's connect: answered at once.
      return ok('rc=0 s=1.000 e=1.002\n');
    },
  };
  return { target, chains, execs };
}

describe('packet loss as iptables rules', () => {
  it('puts a random DROP above a counter of what passed, on the receiving end of each direction', () => {
    const { target } = fakeHosts({ dropShare: 0, packets: 0 });
    expect(lossRules(target, 'pl-1', { from: 'a', to: 'b' }, 0.3).map((r) => [r.on, r.spec.join(' ')])).toEqual([
      ['b', 'INPUT -s 10.0.0.1 -m comment --comment pl-1:a>b:passed'],
      ['b', 'INPUT -s 10.0.0.1 -m comment --comment pl-1:a>b:drop -m statistic --mode random --probability 0.3 -j DROP'],
    ]);
    expect(percent(0.3)).toBe('30%');
    expect(percent(0.05)).toBe('5%');
  });

  it('reads packet counters by rule comment from iptables -L -v -x -n', () => {
    const listing = `Chain INPUT (policy ACCEPT 120 packets, 7200 bytes)
    pkts      bytes target     prot opt in     out     source               destination
     173    10380            all  --  *      *       172.28.4.12          0.0.0.0/0            /* pl-r-1:patroni2>patroni1:passed */
      49     2940 DROP       all  --  *      *       172.28.4.12          0.0.0.0/0            /* pl-r-1:patroni2>patroni1:drop */ statistic mode random probability 0.30000000000
       7      420 DROP       all  --  *      *       172.28.4.20          0.0.0.0/0            /* pc-r-9 */
`;
    expect([...countersByComment(listing)]).toEqual([['pl-r-1:patroni2>patroni1:passed', 173], ['pl-r-1:patroni2>patroni1:drop', 49], ['pc-r-9', 7]]);
  });

  it('observes drops on every path both ways under bursts from the member, counting only once every rule is in, and the cure removes exactly its rules', async () => {
    const { target, chains, execs } = fakeHosts({ dropShare: 0.3, packets: 40, trafficPerInsert: 500 });
    await target.iptables('b', ['-I', 'INPUT', '-s', '10.0.0.9', '-m', 'comment', '--comment', 'other', '-j', 'DROP']);
    const loss = await lossyPaths(target, 'pl-1', 'a', ['b', 'c'], 0.3, 'd');
    expect(chains.get('a')).toHaveLength(4);
    const counts = await loss.observe(5000);
    expect(counts).toEqual([
      { from: 'a', to: 'b', dropped: 12, passed: 28 }, { from: 'b', to: 'a', dropped: 12, passed: 28 },
      { from: 'a', to: 'c', dropped: 12, passed: 28 }, { from: 'c', to: 'a', dropped: 12, passed: 28 },
    ]);
    expect(execs.filter((e) => e.includes(BURST_SCRIPT))).toEqual([['a', 'bash', '-c', BURST_SCRIPT, 'burst', '10.0.0.2:5432', '10.0.0.3:5432']]);
    const after = await loss.cure();
    expect(after.map((p) => [p.from, p.to, p.after.kind])).toEqual([['a', 'b', 'answered'], ['a', 'c', 'answered']]);
    expect(chains.get('a')).toEqual([]);
    expect(chains.get('c')).toEqual([]);
    expect(chains.get('b')?.map((r) => r.rule)).toEqual(['INPUT -s 10.0.0.9 -m comment --comment other -j DROP']);
  });

  it('gives up observing at its deadline with the counts it saw: no drop is the fault\'s to judge', async () => {
    const { target } = fakeHosts({ dropShare: 0, packets: 40 });
    const loss = await lossyPaths(target, 'pl-1', 'a', ['b'], 0.3, 'd');
    const counts = await loss.observe(50);
    expect(counts.map((c) => [c.from, c.to, c.dropped])).toEqual([['a', 'b', 0], ['b', 'a', 0]]);
    expect(counts.every((c) => c.passed >= 40)).toBe(true); // it kept sending until the deadline
  });

  it('a cure leaves the rule of a paused container in force, says so, and removes it on a later call', async () => {
    const paused = new Set<string>();
    const { target, chains } = fakeHosts({ dropShare: 0.3, packets: 10, paused });
    const loss = await lossyPaths(target, 'pl-1', 'a', ['b'], 0.3, 'd');
    paused.add('b');
    await expect(loss.cure()).rejects.toThrow(/healing packet loss pl-1 failed: b is paused/);
    expect(chains.get('b')).toHaveLength(2);
    expect(chains.get('a')).toEqual([]);
    paused.delete('b');
    await loss.cure();
    expect(chains.get('b')).toEqual([]);
  });
});
