import type { EvidenceEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import { ANY_LOG, type EvidenceSpec } from '../scenario/evidence.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';

/** One `evidence:` entry, judged: where it was looked for and the line that proves it, or why there is none. */
export interface EvidenceResult extends EvidenceSpec {
  seen: boolean;
  /** The logs `on` stands for (a fault id: the members its injection resolved to). */
  looked_in: string[];
  /** The proving line and its log; null when not seen. */
  source: string | null;
  line: string | null;
  /** When the line says it was written (epoch ms); null when it does not say, or nothing was seen. */
  at: number | null;
  /** Why it was not seen. */
  reason?: string;
}

/** The logs `on` names, or why it names none: a fault id stands for the members its injection acted on. */
function lookedIn(on: string, scan: EvidenceEvent, events: Events): string[] | string {
  if (on === ANY_LOG) return [...scan.read, ...scan.missing];
  if (scan.read.includes(on) || scan.missing.includes(on)) return [on];
  const injects = ofKind(events, 'fault').filter((f) => f.id === on && f.phase === 'inject' && f.error === undefined);
  if (injects.length === 0) return `fault ${on} was never injected, so no member is known to be the one whose log must say it`;
  return [...new Set(injects.flatMap((f) => f.resolved))];
}

function judgeEntry(spec: EvidenceSpec, index: number, events: Events): EvidenceResult {
  const none = { seen: false, looked_in: [], source: null, line: null, at: null };
  const scan = ofKind(events, 'evidence').filter((e) => e.index === index).at(-1);
  if (scan === undefined) return { ...spec, ...none, reason: 'the logs were never searched for it (no cluster, or the run ended before its logs were copied)' };
  if (scan.log !== spec.log || scan.matches !== spec.matches) return { ...spec, ...none, reason: `the history's search was for /${scan.matches}/ in the ${scan.log} logs, not this entry` };
  const where = lookedIn(spec.on, scan, events);
  if (typeof where === 'string') return { ...spec, ...none, reason: where };
  const base = { ...spec, looked_in: where };
  const hit = scan.seen.find((s) => where.includes(s.source));
  if (hit !== undefined) return { ...base, seen: true, source: hit.source, line: hit.line, at: hit.at ?? null };
  const named = spec.on === ANY_LOG || where.length !== 1 || where[0] === spec.on ? where.join(', ') : `${where.join(', ')} (${spec.on})`;
  const readable = where.filter((w) => scan.read.includes(w));
  const elsewhere = scan.seen.filter((s) => !where.includes(s.source)).map((s) => s.source);
  const reason = readable.length === 0 ? `no ${spec.log} log of ${named || 'any member'} to search`
    : elsewhere.length > 0 ? `/${spec.matches}/ matched in the ${spec.log} log of ${elsewhere.join(', ')} only, not of ${named}`
    : `no line of the ${spec.log} log of ${named} matches /${spec.matches}/`;
  return { ...base, seen: false, source: null, line: null, at: null, reason };
}

/** Every `evidence:` entry of the scenario, judged from the history alone. Pure. */
export function evidenceResults(scenario: Pick<Scenario, 'evidence'>, events: Events): EvidenceResult[] {
  return (scenario.evidence ?? []).map((spec, index) => judgeEntry(spec, index, events));
}

/**
 * The set-up the scenario's verdict depends on happened: every `evidence:`
 * line was seen in the log `on` names. One that was not leaves the run
 * `unknown`: a cluster that passes a test whose set-up never happened
 * proved nothing, so its pass must not be reported.
 */
export function checkEvidence(scenario: Scenario, events: Events): CheckOutput {
  const missing = evidenceResults(scenario, events).filter((r) => !r.seen);
  if (missing.length === 0) return { metrics: {}, valid: true };
  return { metrics: {}, valid: 'unknown', error: missing.map((r) => `the set-up did not happen: ${r.why} (${r.reason ?? ''})`).join('; ') };
}
