import type { DcsEvent, HistoryEvent } from '../history/events.js';
import { ofKind } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime } from './timeline.js';

/** The leader key's holder at time t (null: nobody), or undefined before the first observation. */
function leaderAt(dcs: readonly DcsEvent[], t: number): string | null | undefined {
  let holder: string | null | undefined;
  for (const d of dcs) {
    if (d.t > t) break;
    holder = d.leader;
  }
  return holder;
}

/**
 * Writes acknowledged by a member that did not hold the leader key at that
 * moment: workload writes (by their node and acknowledgement time) and
 * direct write probes. The observer sees a key change up to one interval
 * late, which can only hide such writes, never invent them.
 */
export function checkStaleLeaderWrites(_scenario: Scenario, events: readonly HistoryEvent[]): CheckOutput {
  const dcs = byTime(ofKind(events, 'dcs'));
  if (dcs.length === 0) return { metrics: {}, valid: 'unknown', error: 'no leader key observations' };
  const acks = [
    ...ofKind(events, 'write').flatMap((w) => (w.outcome === 'ok' && w.node ? [{ node: w.node, t: w.end, via: 'workload' }] : [])),
    ...ofKind(events, 'probe').flatMap((p) => (p.writable === true ? [{ node: p.member, t: p.t, via: 'probe' }] : [])),
  ];
  const stale = acks.filter((a) => {
    const holder = leaderAt(dcs, a.t);
    return holder !== undefined && holder !== a.node;
  });
  const byNode = new Map<string, number>();
  for (const s of stale) byNode.set(`${s.node} (${s.via})`, (byNode.get(`${s.node} (${s.via})`) ?? 0) + 1);
  return {
    metrics: { stale_leader_writes: stale.length },
    valid: stale.length === 0,
    ...(stale.length > 0 ? { error: `writes acknowledged without the leader key: ${[...byNode].map(([k, n]) => `${n} by ${k}`).join(', ')}` } : {}),
  };
}
