import { describe, expect, it } from 'vitest';
import type { LinkEffect, LinkProbe } from '../cluster/types.js';
import { proveCut, proveHealed, proveLoss, proveToxic } from './network-proof.js';

const answered = (ms: number, sent = 40): LinkProbe => ({ kind: 'answered', ms, sent });
const silent: LinkProbe = { kind: 'silent', ms: 1000, sent: 40 };
const latency = (l: number, j = 0): LinkEffect => ({ kind: 'latency', latencyMs: l, jitterMs: j });

describe('proveToxic', () => {
  it('a latency proven on each measurable link, the figures in the effect', () => {
    expect(proveToxic('slow_dcs', latency(200, 50), [
      { link: 'p1-etcd1', before: answered(1.2), during: answered(402.7) },
      { link: 'p1-etcd2', before: answered(0.8), during: answered(301) },
    ])).toBe('latency 200 ms ± 50 ms each way: p1-etcd1 +402 ms (round trip 403 ms against 1 ms before; at least 300 ms expected); p1-etcd2 +300 ms (round trip 301 ms against 1 ms before; at least 300 ms expected)');
  });

  it('fails when one link shows less than the least delay the toxic adds, even if another shows it', () => {
    expect(() => proveToxic('slow_dcs', latency(50), [
      { link: 'a', before: answered(1), during: answered(120) },
      { link: 'b', before: answered(1), during: answered(3) },
    ])).toThrow('no proof that slow_dcs acted: b: answered in 3 ms with the toxic in, at least 100 ms expected (1 ms before)');
  });

  it('fails when no link can show it: the least delay is nil (jitter as large as the latency) or drowned by the link\'s own round trip', () => {
    expect(() => proveToxic('x', latency(10, 10), [{ link: 'a', before: answered(1), during: answered(30) }])).toThrow(/no link could show the toxic: a \(at least 0 ms expected against 1 ms before\)/);
    expect(() => proveToxic('x', latency(20), [{ link: 'a', before: answered(25), during: answered(70) }])).toThrow(/no link could show the toxic: a \(at least 40 ms expected against 25 ms before\)/);
  });

  it('a link that did not answer before the toxic proves nothing', () => {
    expect(() => proveToxic('x', latency(50), [{ link: 'a', before: { kind: 'unprobed', why: 'the connection closed with no answer', sent: 8 }, during: answered(200) }]))
      .toThrow(/no link could show the toxic: a \(before the toxic: not probed \(the connection closed with no answer\)\)/);
  });

  it('a link silent with a latency toxic in is not a measured delay', () => {
    expect(() => proveToxic('x', latency(50), [{ link: 'a', before: answered(1), during: silent }])).toThrow(/a: no answer within 1000 ms with the toxic in/);
  });

  it('a bandwidth toxic is owed the bytes the probe sent over the rate', () => {
    const spec: LinkEffect = { kind: 'bandwidth', rateKBps: 100 };
    expect(() => proveToxic('t', spec, [{ link: 'a', before: answered(1, 20_000), during: answered(150, 20_000) }])).toThrow(/at least 200 ms expected/);
    expect(proveToxic('t', spec, [{ link: 'a', before: answered(1, 20_000), during: answered(210, 20_000) }])).toMatch(/^bandwidth 100 KB\/s each way: a \+209 ms/);
  });

  it('a blackhole is proven by silence after an answer', () => {
    expect(() => proveToxic('cut', { kind: 'blackhole' }, [{ link: 'a', before: silent, during: silent }])).toThrow(/harness -> a before the cut: no answer within 1000 ms, so silence after it would prove nothing/);
  });
});

describe('proveToxic: a reset', () => {
  const reset: LinkEffect = { kind: 'reset' };
  const aborted = (why = 'read ECONNRESET'): LinkProbe => ({ kind: 'unprobed', why, sent: 8 });

  it('acted when every link answered before and each new connection was aborted with no answer', () => {
    expect(proveToxic('reset_replication', reset, [
      { link: 'p2-p1-pg', before: answered(1), during: aborted() },
      { link: 'p2-p1-api', before: answered(2), during: aborted('the connection closed with no answer') },
    ])).toBe('2 link(s) aborted each new connection with no answer, each answered before it: p2-p1-pg (read ECONNRESET), p2-p1-api (the connection closed with no answer)');
  });

  it('a link still answering, a silent one (that is a blackhole) or a refused connect (nothing listening) is no proof', () => {
    expect(() => proveToxic('r', reset, [{ link: 'a', before: answered(1), during: aborted() }, { link: 'b', before: answered(1), during: answered(1) }]))
      .toThrow('no proof that r acted: b with the reset in: answered in 1 ms, a connection aborted with no answer expected');
    expect(() => proveToxic('r', reset, [{ link: 'a', before: answered(1), during: silent }])).toThrow(/a with the reset in: no answer within 1000 ms/);
    expect(() => proveToxic('r', reset, [{ link: 'a', before: answered(1), during: aborted('connect ECONNREFUSED 10.0.0.1:5432') }])).toThrow(/a with the reset in: not probed \(connect ECONNREFUSED/);
  });

  it('a link that refused before the reset proves nothing by refusing with it', () => {
    expect(() => proveToxic('r', reset, [{ link: 'a', before: aborted(), during: aborted() }])).toThrow(/a before the reset: not probed \(read ECONNRESET\), so a refusal after it would prove nothing/);
  });

  it('on no link, nothing acted', () => {
    expect(() => proveToxic('r', reset, [])).toThrow('no proof that r acted: it is on no link');
  });
});

describe('proveCut and proveHealed', () => {
  it('a cut with no path, or a path that still answers, or one gone, is not proven', () => {
    expect(() => proveCut('c', [])).toThrow('no proof that c acted: it severs no path');
    expect(() => proveCut('c', [{ from: 'a', to: 'b', before: answered(2), during: { kind: 'gone', why: 'b is exited' } }])).toThrow('a -> b with the cut in: b is exited');
  });

  it('a heal is proven when each path answers or lost the end its rules lived in; a silent or unprobed one fails it', () => {
    expect(proveHealed('c', [{ from: 'a', to: 'b', after: answered(3) }, { from: 'a', to: 'c', after: { kind: 'gone', why: 'c is exited: no rule outlives its network namespace' } }]))
      .toBe('1 path(s) answer again (slowest 3 ms); a -> c: c is exited: no rule outlives its network namespace');
    expect(() => proveHealed('c', [{ from: 'a', to: 'b', after: { kind: 'unprobed', why: 'a and b are both paused: nothing can run a probe' } }])).toThrow('healing c left a -> b not probed (a and b are both paused: nothing can run a probe)');
  });
});

describe('proveLoss', () => {
  const c = (from: string, to: string, dropped: number, passed: number) => ({ from, to, dropped, passed });

  it('packet loss proven by the rules\' counters on every path, with the share dropped', () => {
    expect(proveLoss('drop_packets', [c('p1', 'p2', 31, 69), c('p2', 'p1', 29, 71)]))
      .toBe('60 of 200 packets dropped (30%) on 2 path(s): p1 -> p2 31/100, p2 -> p1 29/100');
  });

  it('fails when one path dropped nothing (no traffic, or rules not on it), even if another did', () => {
    expect(() => proveLoss('drop_packets', [c('p1', 'p2', 31, 69), c('p2', 'p1', 0, 0)]))
      .toThrow('no proof that drop_packets acted: p2 -> p1: no packet dropped (0 passed)');
    expect(() => proveLoss('drop_packets', [c('p1', 'p2', 0, 100)])).toThrow('p1 -> p2: no packet dropped (100 passed)');
  });

  it('fails on no path', () => {
    expect(() => proveLoss('drop_packets', [])).toThrow('no proof that drop_packets acted: it is on no path');
  });
});
