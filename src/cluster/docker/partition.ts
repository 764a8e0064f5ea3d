/**
 * Partitions as iptables rules inside the containers' own network
 * namespaces (Jepsen's grudges): the receiving side's INPUT chain drops the
 * sender's address, so a one-way cut needs only the receiver. Every rule
 * carries a comment of its own and a cure deletes exactly those rules.
 */
import { HarnessError } from '../../errors.js';
import type { DockerResult } from './cli.js';

/** Removes exactly the rules one partition added; a second call does nothing. */
export type Cure = () => Promise<void>;

export interface PartitionOptions {
  /** Drop only what `a` sends to `b` (b's INPUT from a); default both directions. */
  oneWay?: boolean;
}

export interface PartitionTarget {
  /** Address of a container on the run's network. */
  ip(name: string): string;
  /** Runs iptables as root inside a container. */
  iptables(name: string, args: string[]): Promise<DockerResult>;
}

// A container restarted since (fresh namespace, no rules), or one not running: nothing left to cure there.
const GONE = /matching rule|not running|is paused|No chain|No such container/i;

/**
 * Drops traffic between `a` and `b` (or only from `a` to `b`); both must be
 * running, since a frozen container cannot run iptables. Returns the cure.
 * Changes the system: packets in flight and new ones are dropped silently,
 * as on a real cut link (no RST).
 */
export async function partition(t: PartitionTarget, tag: string, a: string, b: string, o: PartitionOptions = {}): Promise<Cure> {
  if (a === b) throw new HarnessError('FAULT_FAILED', `cannot partition ${a} from itself`);
  const rules: { on: string; from: string }[] = [{ on: b, from: t.ip(a) }];
  if (!o.oneWay) rules.push({ on: a, from: t.ip(b) });
  const spec = (from: string) => ['INPUT', '-s', from, '-m', 'comment', '--comment', tag, '-j', 'DROP'];
  const applied: typeof rules = [];
  let cured = false;
  const cure: Cure = async () => {
    if (cured) return;
    cured = true;
    const errors: string[] = [];
    for (const r of applied) {
      const res = await t.iptables(r.on, ['-D', ...spec(r.from)]);
      if (res.code !== 0 && !GONE.test(res.stderr)) errors.push(`${r.on}: ${res.stderr.trim()}`);
    }
    if (errors.length > 0) throw new HarnessError('FAULT_FAILED', `healing partition ${tag} failed: ${errors.join('; ')}`);
  };
  for (const r of rules) {
    const res = await t.iptables(r.on, ['-I', ...spec(r.from)]);
    if (res.code !== 0) {
      // Undo the half already applied; the iptables error is what the caller needs to see.
      await cure().catch(() => undefined);
      throw new HarnessError('FAULT_FAILED', `iptables in ${r.on} failed (exit ${res.code}): ${res.stderr.trim()}`);
    }
    applied.push(r);
  }
  return cure;
}

/** Joins several cures into one that runs them all, reporting every failure. */
export function allCures(cures: Cure[]): Cure {
  return async () => {
    const errors: unknown[] = [];
    for (const c of cures) await c().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw new HarnessError('FAULT_FAILED', errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; '), { cause: errors[0] });
  };
}
