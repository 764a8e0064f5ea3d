/**
 * Proof that a network fault acted, judged from probes the provider made
 * (src/cluster/link-probe.ts, the docker probes in partition.ts): a fault
 * whose effect nobody saw fails, since a run judged over a fault that did
 * nothing passes for the wrong reason.
 */
import { HarnessError } from '../errors.js';
import type { CutPath, LinkEffect, LinkProbe, LossCount, Reach } from '../cluster/types.js';

/** How long a path must stay silent to count as cut: a live one answers in milliseconds. */
export const CUT_PROBE_MS = 1000;
/** Below this, a toxic's delay cannot be told from scheduling noise. */
export const MIN_MEASURABLE_MS = 5;
/** What a bandwidth probe aims to be delayed by: enough to stand clear of the link's own round trip. */
export const BANDWIDTH_PROBE_MS = 200;

const ms = (v: number) => `${Math.round(v)} ms`;

export function describeReach(r: Reach): string {
  switch (r.kind) {
    case 'answered': return `answered in ${ms(r.ms)}`;
    case 'silent': return `no answer within ${ms(r.ms)}`;
    case 'unprobed': return `not probed (${r.why})`;
    case 'gone': return r.why;
  }
}

const path = (p: CutPath) => `${p.from} -> ${p.to}`;

function fail(what: string, problems: string[]): never {
  throw new HarnessError('FAULT_FAILED', `no proof that ${what} acted: ${problems.join('; ')}`);
}

/** A cut acted when every path it severs answered just before it and is silent with it in. Returns the effect. */
export function proveCut(what: string, probes: readonly (CutPath & { before: Reach; during: Reach })[]): string {
  if (probes.length === 0) fail(what, ['it severs no path']);
  const problems = probes.flatMap((p) => [
    ...(p.before.kind === 'answered' ? [] : [`${path(p)} before the cut: ${describeReach(p.before)}, so silence after it would prove nothing`]),
    ...(p.during.kind === 'silent' ? [] : [`${path(p)} with the cut in: ${describeReach(p.during)}`]),
  ]);
  if (problems.length > 0) fail(what, problems);
  const before = Math.max(...probes.map((p) => (p.before.kind === 'answered' ? p.before.ms : 0)));
  const silence = Math.min(...probes.map((p) => (p.during.kind === 'silent' ? p.during.ms : 0)));
  return `${probes.length} path(s) silent for ${ms(silence)} with the cut in, each answered before it (slowest ${ms(before)}): ${probes.map(path).join(', ')}`;
}

/**
 * A cure worked when every path answers again. A path with an end no longer
 * running needs no probe: its rules went with its network namespace.
 */
export function proveHealed(what: string, after: readonly (CutPath & { after: Reach })[]): string {
  const bad = after.filter((p) => p.after.kind !== 'answered' && p.after.kind !== 'gone');
  if (bad.length > 0) throw new HarnessError('FAULT_FAILED', `healing ${what} left ${bad.map((p) => `${path(p)} ${describeReach(p.after)}`).join('; ')}`);
  const answered = after.flatMap((p) => (p.after.kind === 'answered' ? [p.after.ms] : []));
  const gone = after.filter((p) => p.after.kind === 'gone');
  return [
    ...(answered.length > 0 ? [`${answered.length} path(s) answer again (slowest ${ms(Math.max(...answered))})`] : []),
    ...gone.map((p) => `${path(p)}: ${describeReach(p.after)}`),
  ].join('; ');
}

export interface LinkObservation {
  link: string;
  before: LinkProbe;
  during: LinkProbe;
}

/**
 * The least a toxic must add to one probe's round trip, in ms; null when it
 * has no delay to show (a blackhole shows as silence instead). Toxics sit on
 * both directions: a latency toxic delays the request and the answer, each
 * by at least latency - jitter; a bandwidth toxic delays the request by its
 * size over the rate (KB/s is bytes per ms).
 */
export function leastDelayMs(effect: LinkEffect, probe: LinkProbe): number | null {
  if (effect.kind === 'latency') return 2 * Math.max(0, effect.latencyMs - effect.jitterMs);
  if (effect.kind === 'bandwidth') return effect.rateKBps > 0 ? probe.sent / effect.rateKBps : 0;
  return null;
}

/** Timers may fire a hair late but the probe's clock starts before the connect: 1 ms covers rounding. */
const SLACK_MS = 1;

/**
 * A toxic acted when, on every link where its delay can be told from the
 * link's own round trip (at least MIN_MEASURABLE_MS, and more than twice
 * what the probe took before the toxic), the probe now takes at least that
 * delay; and there is at least one such link. A blackhole acted when every
 * link answered before and is silent now. Returns the effect, with the
 * figures measured on each link.
 */
export function proveToxic(what: string, spec: LinkEffect, seen: readonly LinkObservation[]): string {
  if (seen.length === 0) fail(what, ['it is on no link']);
  if (spec.kind === 'blackhole') return proveCut(what, seen.map((o) => ({ from: 'harness', to: o.link, before: o.before, during: o.during })));
  if (spec.kind === 'reset') return proveReset(what, seen);
  const problems: string[] = [];
  const shown: string[] = [];
  const unmeasurable: string[] = [];
  for (const o of seen) {
    const least = leastDelayMs(spec, o.during);
    if (least === null) {
      problems.push(`${o.link}: a ${spec.kind} has no observable proof here`);
      continue;
    }
    if (o.before.kind !== 'answered') {
      unmeasurable.push(`${o.link} (before the toxic: ${describeReach(o.before)})`);
      continue;
    }
    if (least < MIN_MEASURABLE_MS || o.before.ms * 2 > least) {
      unmeasurable.push(`${o.link} (at least ${ms(least)} expected against ${ms(o.before.ms)} before)`);
      continue;
    }
    if (o.during.kind !== 'answered' || o.during.ms < least - SLACK_MS) {
      problems.push(`${o.link}: ${describeReach(o.during)} with the toxic in, at least ${ms(least)} expected (${ms(o.before.ms)} before)`);
      continue;
    }
    shown.push(`${o.link} +${ms(o.during.ms - o.before.ms)} (round trip ${ms(o.during.ms)} against ${ms(o.before.ms)} before; at least ${ms(least)} expected)`);
  }
  if (shown.length === 0) problems.push(`no link could show the toxic: ${unmeasurable.join(', ')}`);
  if (problems.length > 0) fail(what, problems);
  return `${describeToxic(spec)}: ${shown.join('; ')}${unmeasurable.length > 0 ? `; not measurable: ${unmeasurable.join(', ')}` : ''}`;
}

/** How a probe's connection ends when the far side aborts it: RST (ECONNRESET, or EPIPE on the write) or a close with no answer. */
const RESET = /ECONNRESET|EPIPE|closed with no answer/;

/**
 * A reset acted when every link answered just before it and, with it in, the
 * probe's new connection was aborted with no answer. Silence (a blackhole) or
 * a refused connect (nothing listening) is not this effect, nor proof of it.
 */
export function proveReset(what: string, seen: readonly LinkObservation[]): string {
  const problems = seen.flatMap((o) => [
    ...(o.before.kind === 'answered' ? [] : [`${o.link} before the reset: ${describeReach(o.before)}, so a refusal after it would prove nothing`]),
    ...(o.during.kind === 'unprobed' && RESET.test(o.during.why) ? [] : [`${o.link} with the reset in: ${describeReach(o.during)}, a connection aborted with no answer expected`]),
  ]);
  if (problems.length > 0) fail(what, problems);
  return `${seen.length} link(s) aborted each new connection with no answer, each answered before it: ${seen.map((o) => `${o.link} (${o.during.kind === 'unprobed' ? o.during.why : ''})`).join(', ')}`;
}

function describeToxic(spec: LinkEffect): string {
  if (spec.kind === 'latency') return `latency ${spec.latencyMs} ms${spec.jitterMs ? ` ± ${spec.jitterMs} ms` : ''} each way`;
  if (spec.kind === 'bandwidth') return `bandwidth ${spec.rateKBps} KB/s each way`;
  return spec.kind;
}

/**
 * Packet loss acted when the kernel's counters show packets dropped on every
 * path it is on. A path with no drop (no traffic, or a loss too rare to show
 * in the window) is no proof for that path. Returns the effect, with the
 * counts and the share dropped.
 */
export function proveLoss(what: string, counts: readonly LossCount[]): string {
  if (counts.length === 0) fail(what, ['it is on no path']);
  const problems = counts.flatMap((c) => (c.dropped > 0 ? [] : [`${path(c)}: no packet dropped (${c.passed} passed)`]));
  if (problems.length > 0) fail(what, problems);
  const [passed, dropped] = counts.reduce(([p, d], c) => [p + c.passed, d + c.dropped], [0, 0]);
  return `${dropped} of ${dropped + passed} packets dropped (${Math.round((100 * dropped) / (dropped + passed))}%) on ${counts.length} path(s): ${counts.map((c) => `${path(c)} ${c.dropped}/${c.dropped + c.passed}`).join(', ')}`;
}
