/**
 * Random packet loss as iptables rules inside the containers (the
 * `statistic` match; this kernel has no netem): on each receiving side a
 * DROP of a member's packets with a probability, and below it a rule
 * counting those that got through. The
 * kernel's own counters prove the loss (packets dropped, packets passed), as
 * the connect probes prove a cut; a cure deletes exactly those rules.
 */
import { now } from '../../history/clock.js';
import type { CutPath, Loss, LossCount, Reach } from '../types.js';
import { applyRules, probePath, type ProbeTarget, type Rule } from './partition.js';

/** 0.3 -> "30%", without binary fractions showing. */
export function percent(probability: number): string {
  return `${Math.round(probability * 1000) / 10}%`;
}

/** Connects per path and round: enough packets that a loss of a few percent shows within a round or two. */
const BURST = 10;

/**
 * The two rules on the receiving end of one direction, in `-I` order: a
 * counter, then the random DROP on top of it. The counter counts what got
 * through, so every packet is counted once, dropped or passed, whatever
 * arrived between the two inserts.
 */
export function lossRules(t: ProbeTarget, tag: string, p: CutPath, probability: number): Rule[] {
  const match = (role: 'passed' | 'drop') => ['INPUT', '-s', t.ip(p.from), '-m', 'comment', '--comment', lossComment(tag, p, role)];
  return [
    { on: p.to, from: t.ip(p.from), spec: match('passed') },
    { on: p.to, from: t.ip(p.from), spec: [...match('drop'), '-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-j', 'DROP'] },
  ];
}

export function lossComment(tag: string, p: CutPath, role: 'passed' | 'drop'): string {
  return `${tag}:${p.from}>${p.to}:${role}`;
}

/** Packet counts by rule comment, from `iptables -L INPUT -v -x -n` (pkts is the first column). */
export function countersByComment(listing: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of listing.split('\n')) {
    const m = /^\s*(\d+)\s+\d+\s.*\/\* (\S+) \*\//.exec(line);
    if (m !== null) counts.set(m[2] as string, Number(m[1]));
  }
  return counts;
}

/**
 * A shell script run in one container: BURST connects, in parallel, to each
 * `ip:port` argument, each under a 1 s timeout. Its packets cross the lossy
 * paths both ways; whether each connect succeeds does not matter, the
 * counters do.
 */
export const BURST_SCRIPT = `for t in "$@"; do i=0; while [ $i -lt ${BURST} ]; do timeout 1 bash -c ': </dev/tcp/$1/$2' _ "\${t%:*}" "\${t#*:}" 2>/dev/null & i=$((i+1)); done; done; wait; echo burst-done`;

/**
 * Drops packets on each path (both directions of every `member` <-> other)
 * with a probability. Returns the loss in force; its observe() sends bursts
 * from the member and reads the counters (what they gained since every rule
 * was in), and its cure removes the rules and probes each path once.
 */
export async function lossyPaths(t: ProbeTarget, tag: string, member: string, others: readonly string[], probability: number, detail: string): Promise<Loss> {
  const paths: CutPath[] = others.flatMap((o) => [{ from: member, to: o }, { from: o, to: member }]);
  const from = now();
  const cure = await applyRules(t, `packet loss ${tag}`, paths.flatMap((p) => lossRules(t, tag, p, probability)));
  const span = { from, to: now() };
  const count = async (): Promise<LossCount[]> => {
    const listings = new Map<string, Map<string, number>>();
    for (const n of new Set(paths.map((p) => p.to))) {
      const r = await t.iptables(n, ['-L', 'INPUT', '-v', '-x', '-n']);
      listings.set(n, r.code === 0 ? countersByComment(r.stdout) : new Map());
    }
    return paths.map((p) => {
      const c = listings.get(p.to) as Map<string, number>;
      return { ...p, passed: c.get(lossComment(tag, p, 'passed')) ?? 0, dropped: c.get(lossComment(tag, p, 'drop')) ?? 0 };
    });
  };
  // What the counters held once every rule was in: packets counted while the rules went in one by one
  // (passed, with no DROP above yet) would understate the share dropped.
  const base = await count();
  const since = async () => (await count()).map((c, i) => ({ ...c, dropped: c.dropped - (base[i]?.dropped ?? 0), passed: c.passed - (base[i]?.passed ?? 0) }));
  return {
    detail,
    span,
    observe: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      let counts = await since();
      while (counts.some((c) => c.dropped === 0) && Date.now() < deadline) {
        await t.exec(member, ['bash', '-c', BURST_SCRIPT, 'burst', ...others.map((o) => `${t.ip(o)}:${t.probePort(o)}`)], 30_000);
        counts = await since();
      }
      return counts;
    },
    cure: async () => {
      await cure();
      const after = await Promise.all(others.map((o) => probePath(t, { from: member, to: o })));
      return others.map((o, i) => ({ from: member, to: o, after: after[i] as Reach }));
    },
  };
}
