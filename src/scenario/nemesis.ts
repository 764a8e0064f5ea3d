/**
 * What a nemesis step's seed defines: the order of the faults and the pauses
 * between them. The same seed gives the same draws on any machine, so a soak
 * that found something can be replayed from the seed in its report; how long
 * the cluster takes to recover is the cluster's, not the seed's.
 */
import type { FaultSpec, NemesisStep } from './types.js';

/** Mulberry32: a 32-bit state, good enough spread for choosing faults, and the same in every JS engine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NemesisDraw {
  /** How long the cluster is left alone before this fault: Jepsen's stagger, uniform in [0, 2 × interval). */
  pauseMs: number;
  fault: FaultSpec;
}

/** The endless sequence of draws of a nemesis; the runner takes as many as its duration allows. */
export function* nemesisDraws(step: Pick<NemesisStep, 'seed' | 'intervalMs' | 'faults'>): Generator<NemesisDraw, never> {
  const random = seededRandom(step.seed);
  for (;;) {
    const pauseMs = Math.floor(random() * 2 * step.intervalMs);
    const fault = step.faults[Math.floor(random() * step.faults.length)];
    if (fault === undefined) throw new Error('a nemesis needs at least one fault to draw from');
    yield { pauseMs, fault };
  }
}

export function describeNemesis(step: NemesisStep, duration: (ms: number) => string): string {
  const actions = [...new Set(step.faults.map((f) => `${f.action} ${f.target}`))].join(' | ');
  return `nemesis seed ${step.seed} for ${duration(step.durationMs)}: ${actions}`;
}
