import { describe, expect, it } from 'vitest';
import type { DockerResult } from './engine.js';
import { allCures, partition, probedCut, probePath, type PartitionTarget, type ProbeTarget } from './partition.js';

/** A fake of the containers' INPUT chains: rules as strings, per container. */
function fakeTarget(o: { failOn?: string; stopped?: Set<string> } = {}) {
  const chains = new Map<string, string[]>();
  const ips: Record<string, string> = { a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3' };
  const ok = (stderr = '', code = 0): DockerResult => ({ code, stdout: '', stderr });
  const target: PartitionTarget = {
    ip: (n) => ips[n] as string,
    iptables: async (n, args) => {
      if (o.stopped?.has(n)) return { ...ok(`Error response from daemon: container ${n} is not running`, 1), noExit: 'gone' };
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

  it('a cure whose removal failed for another reason keeps the rule, whatever "not running" or "No such container" its text holds', async () => {
    const { target, chains } = fakeTarget();
    const cure = await partition(target, 't', 'a', 'b');
    const removals = [
      // The daemon refused the exec (no such user): dockerode's reason for a 500 is "container not running".
      { code: 1, stdout: '', stderr: 'Error response from daemon: container not running - unable to find user root', noExit: 'not-run' as const },
      // iptables ran and failed, quoting a message of its own.
      { code: 4, stdout: '', stderr: 'iptables: No such container helper is not running (lock held)' },
      // The command ran and its end was lost.
      { code: 1, stdout: '', stderr: 'Error response from daemon: No such container: b', noExit: 'lost' as const },
    ];
    for (const res of removals) {
      const real = target.iptables;
      target.iptables = async (n, args) => (n === 'b' && args[0] === '-D' ? res : real(n, args));
      await expect(cure()).rejects.toThrow(`healing partition t failed: b: ${res.stderr}`);
      target.iptables = real;
      expect(chains.get('b')).toEqual(['INPUT -s 10.0.0.1 -m comment --comment t -j DROP']);
    }
    await cure();
    expect(chains.get('b')).toEqual([]);
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

/** Containers as the probes see them: a state each, and bash's connect answered, refused or timed out per path. */
function probeTarget(o: { states?: Record<string, string>; dropping?: (from: string, toIp: string) => boolean; paused?: Set<string> } = {}) {
  const { target, chains } = fakeTarget({ stopped: new Set(Object.entries(o.states ?? {}).filter(([, s]) => s === 'exited').map(([n]) => n)) });
  const ran: string[] = [];
  const pt: ProbeTarget = {
    ...target,
    iptables: async (n, args) => (o.paused?.has(n) ? { code: 1, stdout: '', stderr: `Error response from daemon: Container ${n} is paused, unpause the container before exec`, noExit: 'paused' } : target.iptables(n, args)),
    state: async (n) => (o.paused?.has(n) ? 'paused' : o.states?.[n] ?? 'running'),
    probePort: () => 5432,
    exec: async (n, argv) => {
      ran.push(n);
      const ip = argv[4] as string;
      // The rules in the fake chains decide, as the kernel would: a DROP of either end's address on the other end.
      const ipOf = (x: string) => target.ip(x);
      const dropped = (o.dropping ?? ((from, toIp) => {
        const to = ['a', 'b', 'c'].find((x) => ipOf(x) === toIp) as string;
        const has = (on: string, src: string) => (chains.get(on) ?? []).some((r) => r.startsWith(`INPUT -s ${ipOf(src)} `));
        return has(to, from) || has(from, to);
      }))(n, ip);
      return dropped
        ? { code: 0, stdout: 'rc=124 s=100.000000 e=101.001000\n', stderr: '' }
        : { code: 0, stdout: `_: connect: Connection refused\nrc=1 s=100.000000 e=100.002500\n`, stderr: '' };
    },
  };
  return { pt, chains, ran };
}

describe('probedCut', () => {
  it('probes every path before and with the rules in, and again after the cure', async () => {
    const { pt } = probeTarget();
    let n = 0;
    const cut = await probedCut(pt, () => `t${n++}`, [{ from: 'a', to: 'b' }, { from: 'c', to: 'a', oneWay: true }], 'd');
    expect(cut.probes).toEqual([
      { from: 'a', to: 'b', before: { kind: 'answered', ms: expect.closeTo(2.5, 1) }, during: { kind: 'silent', ms: expect.closeTo(1001, 1) } },
      { from: 'c', to: 'a', before: { kind: 'answered', ms: expect.closeTo(2.5, 1) }, during: { kind: 'silent', ms: expect.closeTo(1001, 1) } },
    ]);
    expect((await cut.cure()).map((p) => p.after.kind)).toEqual(['answered', 'answered']);
  });

  it('sees a rule that drops nothing: the probe still answers with it in', async () => {
    const { pt } = probeTarget({ dropping: () => false });
    const cut = await probedCut(pt, () => 't', [{ from: 'a', to: 'b' }], 'd');
    expect(cut.probes[0]?.during.kind).toBe('answered');
  });

  it('probes from the far end when the near end is paused, and calls an end not running gone', async () => {
    const paused = new Set<string>();
    const { pt, ran } = probeTarget({ paused });
    const cut = await probedCut(pt, () => 't', [{ from: 'a', to: 'b', oneWay: true }], 'd');
    paused.add('a');
    ran.length = 0;
    expect(await cut.cure()).toEqual([{ from: 'a', to: 'b', after: { kind: 'answered', ms: expect.closeTo(2.5, 1) } }]);
    expect(ran).toEqual(['b']);
    const { pt: withStopped } = probeTarget({ states: { c: 'exited' } });
    expect(await probePath(withStopped, { from: 'a', to: 'c' })).toEqual({ kind: 'gone', why: 'c is exited: no rule outlives its network namespace' });
  });

  it('a probe that could not run proves nothing either way', async () => {
    const { pt } = probeTarget();
    pt.exec = async () => ({ code: 126, stdout: '', stderr: 'OCI runtime exec failed' });
    expect(await probePath(pt, { from: 'a', to: 'b' })).toEqual({ kind: 'unprobed', why: 'probe in a failed (exit 126): OCI runtime exec failed' });
  });
});

describe('healing a partition whose container another fault paused', () => {
  it('fails, naming the paused container and the rule left in force, and a later call removes it once thawed', async () => {
    const paused = new Set<string>();
    const { pt, chains } = probeTarget({ paused });
    const cure = await partition(pt, 't', 'a', 'b');
    paused.add('b');
    await expect(cure()).rejects.toThrow('healing partition t failed: b is paused (frozen by another fault?): its rule dropping 10.0.0.1 stays in force until it is thawed and healed again');
    expect(chains.get('b')).toEqual(['INPUT -s 10.0.0.1 -m comment --comment t -j DROP']);
    expect(chains.get('a')).toEqual([]);
    paused.delete('b');
    await cure();
    expect(chains.get('b')).toEqual([]);
  });
});
