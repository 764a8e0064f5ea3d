import type { DcsEvent } from '../history/events.js';
import { type Events, ofKind, writesOf } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';

/** A span in which the leader key certainly belonged to `leader`. */
export interface CertainHolder {
  leader: string;
  from: number;
  to: number;
}

/**
 * When the leader key certainly stayed with one member. Two linearizable
 * reads that return the same mod_revision prove the key was not written
 * between their linearization points, which lie inside [t, end] of each:
 * so the key was held from the first read's answer to the last read's
 * sending. Reads without an answer time or a revision prove nothing beyond
 * an instant, and so give no span.
 */
export function certainHolders(dcs: readonly DcsEvent[]): CertainHolder[] {
  const byRevision = new Map<number, { leader: string; from: number; to: number }>();
  for (const d of dcs) {
    if (d.leader === null || d.end === undefined || d.revision === undefined || d.revision <= 0) continue;
    const seen = byRevision.get(d.revision);
    if (seen === undefined) byRevision.set(d.revision, { leader: d.leader, from: d.end, to: d.t });
    else byRevision.set(d.revision, { leader: seen.leader, from: Math.min(seen.from, d.end), to: Math.max(seen.to, d.t) });
  }
  return [...byRevision.values()].filter((s) => s.to > s.from);
}

interface Ack {
  node: string;
  start: number;
  end: number;
  via: 'workload' | 'probe';
}

/**
 * Writes acknowledged by a member while the leader key certainly belonged
 * to another: the write started after a read had shown the other owner
 * and was acknowledged before a later read showed the key still unchanged.
 * Judging by acknowledgement time or by the observer's last view could
 * invent stale writes (the observer sees a change late; an ack arrives
 * late); this rule can miss some, never invent one.
 */
export function checkStaleLeaderWrites(_scenario: Scenario, events: Events): CheckOutput {
  const dcs = ofKind(events, 'dcs');
  if (dcs.length === 0) return { metrics: {}, valid: 'unknown', error: 'no leader key observations' };
  const spans = certainHolders(dcs);
  if (spans.length === 0) return { metrics: {}, valid: 'unknown', error: 'no two reads of the leader key with the same revision: nothing shows who held it over time' };
  const isStale = (a: Ack): boolean => spans.some((s) => s.leader !== a.node && s.from <= a.start && a.end <= s.to);
  const stale: Ack[] = [];
  // The workload's acknowledgements one at a time (a run's are read back from disk); only the stale ones are kept.
  for (const w of writesOf(events)) {
    if (w.outcome !== 'ok' || !w.node) continue;
    const ack: Ack = { node: w.node, start: w.start, end: w.end, via: 'workload' };
    if (isStale(ack)) stale.push(ack);
  }
  for (const p of ofKind(events, 'probe')) {
    if (p.writable !== true || p.end === undefined) continue;
    const ack: Ack = { node: p.member, start: p.t, end: p.end, via: 'probe' };
    if (isStale(ack)) stale.push(ack);
  }
  const byNode = new Map<string, number>();
  for (const s of stale) byNode.set(`${s.node} (${s.via})`, (byNode.get(`${s.node} (${s.via})`) ?? 0) + 1);
  return {
    metrics: { stale_leader_writes: stale.length },
    valid: stale.length === 0,
    ...(stale.length > 0 ? { error: `writes acknowledged while another member certainly held the leader key: ${[...byNode].map(([k, n]) => `${n} by ${k}`).join(', ')}` } : {}),
  };
}
