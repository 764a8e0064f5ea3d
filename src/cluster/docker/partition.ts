/**
 * Partitions as iptables rules inside the containers' own network
 * namespaces (Jepsen's grudges): the receiving side's INPUT chain drops the
 * sender's address, so a one-way cut needs only the receiver. Every rule
 * carries a comment of its own and a cure deletes exactly those rules.
 * A TCP connect across each path, from inside a container, proves the cut
 * (silent with the rules in) and its cure (answered again).
 */
import { HarnessError, errorMessage } from '../../errors.js';
import { now } from '../../history/clock.js';
import type { Cut, CutPath, Reach } from '../types.js';
import type { DockerResult } from './engine.js';

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

/** What the probes need besides: a command run in a container, its state, and a port to knock on. */
export interface ProbeTarget extends PartitionTarget {
  exec(name: string, argv: readonly string[], timeoutMs: number): Promise<DockerResult>;
  /** `docker inspect`'s state: running, paused, exited... */
  state(name: string): Promise<string>;
  /** A port of the container: one it listens on, or any its kernel refuses (a refusal crossed the path too). */
  probePort(name: string): number;
}

/** iptables' own words for a rule or chain not there: the container restarted since (fresh namespace, no rules). */
const NO_RULE = /matching rule|No chain/i;

/**
 * A failed rule removal with nothing left to cure: iptables ran and found no
 * such rule, or the container is gone or not running (the engine says so
 * from the daemon's status, not from text anywhere in the output). A paused
 * container is not among them: its namespace and rules are intact, only its
 * processes are frozen (rulePaused).
 */
export function ruleGone(res: DockerResult): boolean {
  return res.noExit === 'gone' || (res.noExit === undefined && NO_RULE.test(res.stderr));
}

/** A rule removal that could not run because the container is paused: the rule stays in force. */
export function rulePaused(res: DockerResult): boolean {
  return res.noExit === 'paused';
}

/**
 * Drops traffic between `a` and `b` (or only from `a` to `b`); both must be
 * running, since a frozen container cannot run iptables. Returns the cure.
 * Changes the system: packets in flight and new ones are dropped silently,
 * as on a real cut link (no RST).
 */
export async function partition(t: PartitionTarget, tag: string, a: string, b: string, o: PartitionOptions = {}): Promise<Cure> {
  if (a === b) throw new HarnessError('FAULT_FAILED', `cannot partition ${a} from itself`);
  const rules: Rule[] = [{ on: b, from: t.ip(a), spec: dropFrom(t.ip(a), tag) }];
  if (!o.oneWay) rules.push({ on: a, from: t.ip(b), spec: dropFrom(t.ip(b), tag) });
  return applyRules(t, `partition ${tag}`, rules);
}

const dropFrom = (from: string, tag: string) => ['INPUT', '-s', from, '-m', 'comment', '--comment', tag, '-j', 'DROP'];

/** One rule in a container: its spec (chain and match, as `-I` and `-D` take it) and the sender it matches, for messages. */
export interface Rule {
  on: string;
  from: string;
  spec: string[];
}

/**
 * Inserts each rule in order; the cure deletes exactly those rules. On a
 * failure part-way, what went in is taken out again and the iptables error
 * is thrown.
 */
export async function applyRules(t: PartitionTarget, label: string, rules: readonly Rule[]): Promise<Cure> {
  const applied: Rule[] = [];
  // A rule that could not be removed stays in `applied`: a later call tries it again.
  const cure: Cure = async () => {
    const errors: string[] = [];
    for (const r of [...applied]) {
      const res = await t.iptables(r.on, ['-D', ...r.spec]);
      if (res.code !== 0 && rulePaused(res)) errors.push(`${r.on} is paused (frozen by another fault?): its rule dropping ${r.from} stays in force until it is thawed and healed again`);
      else if (res.code !== 0 && !ruleGone(res)) errors.push(`${r.on}: ${res.stderr.trim()}`);
      else applied.splice(applied.indexOf(r), 1);
    }
    if (errors.length > 0) throw new HarnessError('FAULT_FAILED', `healing ${label} failed: ${errors.join('; ')}`);
  };
  for (const r of rules) {
    const res = await t.iptables(r.on, ['-I', ...r.spec]);
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

/** The last line of the probe: exit code and bash's clock around the connect. */
const PROBE_RESULT = /^rc=(\d+) s=([\d.,]+) e=([\d.,]+)$/m;

/**
 * One TCP connect across a path, from inside a container, with bash's
 * /dev/tcp under a 1 s `timeout` (both in every image: compose/images).
 * Connected or refused: packets crossed (answered); killed by the timeout:
 * nothing came back (silent). A DROP on either side breaks the handshake,
 * so the path may be probed from its far end when its near end is frozen:
 * a paused container's kernel still answers. An end not running has no
 * network namespace, so no rule either (gone).
 */
export async function probePath(t: ProbeTarget, p: CutPath): Promise<Reach> {
  const state = (n: string) => t.state(n).catch((e: unknown) => new Error(`could not read the state of ${n}: ${errorMessage(e)}`));
  const [from, to] = await Promise.all([state(p.from), state(p.to)]);
  for (const s of [from, to]) if (s instanceof Error) return { kind: 'unprobed', why: s.message };
  for (const [n, s] of [[p.from, from], [p.to, to]] as const) {
    if (s !== 'running' && s !== 'paused') return { kind: 'gone', why: `${n} is ${String(s)}: no rule outlives its network namespace` };
  }
  const [prober, target] = from === 'running' ? [p.from, p.to] : to === 'running' ? [p.to, p.from] : [undefined, undefined];
  if (prober === undefined || target === undefined) return { kind: 'unprobed', why: `${p.from} and ${p.to} are both paused: nothing can run a probe` };
  const script = 's=$EPOCHREALTIME; out=$(timeout 1 bash -c \': </dev/tcp/$1/$2\' _ "$1" "$2" 2>&1); rc=$?; e=$EPOCHREALTIME; echo "$out"; echo "rc=$rc s=$s e=$e"';
  const r = await t.exec(prober, ['bash', '-c', script, 'probe', t.ip(target), String(t.probePort(target))], 30_000);
  const m = PROBE_RESULT.exec(r.stdout);
  if (m === null) return { kind: 'unprobed', why: `probe in ${prober} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 200)}` };
  const ms = (Number((m[3] as string).replace(',', '.')) - Number((m[2] as string).replace(',', '.'))) * 1000;
  const code = Number(m[1]);
  if (code === 124) return { kind: 'silent', ms };
  if (code === 0 || /Connection refused/i.test(r.stdout)) return { kind: 'answered', ms };
  return { kind: 'unprobed', why: `probe from ${prober} to ${target} exited ${code}: ${r.stdout.replace(PROBE_RESULT, '').trim().slice(0, 200)}` };
}

/** A path to cut: `from` -> `to`, or both ways. */
export interface PathCut extends CutPath {
  oneWay?: boolean;
}

/**
 * Cuts each path (see partition), probing every one just before and with
 * the rules in; the cure removes every rule (see allCures) and probes again.
 * The probes are observations: the faults judge them (src/faults/network-proof.ts).
 */
export async function probedCut(t: ProbeTarget, nextTag: () => string, paths: readonly PathCut[], detail: string): Promise<Cut> {
  const probeAll = () => Promise.all(paths.map((p) => probePath(t, p)));
  const before = await probeAll();
  const cures: Cure[] = [];
  const from = now();
  try {
    for (const p of paths) cures.push(await partition(t, nextTag(), p.from, p.to, p.oneWay ? { oneWay: true } : {}));
  } catch (err) {
    await allCures(cures)().catch(() => undefined); // the partition's own error is the one to report
    throw err;
  }
  const span = { from, to: now() };
  const during = await probeAll();
  const cure = allCures(cures);
  return {
    detail,
    span,
    probes: paths.map((p, i) => ({ from: p.from, to: p.to, before: before[i] as Reach, during: during[i] as Reach })),
    cure: async () => {
      await cure();
      const after = await probeAll();
      return paths.map((p, i) => ({ from: p.from, to: p.to, after: after[i] as Reach }));
    },
  };
}
