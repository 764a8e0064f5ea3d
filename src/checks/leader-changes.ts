import type { DcsEvent, HistoryEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime, injects } from './timeline.js';

/**
 * How many times the leader key changed owner, as the linearizable reads
 * saw it (reads in time order). Only owners count: a read without a key is
 * skipped, so a key lost and retaken by the same member (A, none, A) is no
 * change, since no other member ever led; A, none, B is one; A, none, B, A
 * is two. The first owner ever read is where counting starts, not a change.
 * The count is a lower bound: two reads showing the same owner prove
 * nothing about what lay between (Patroni rewrites its key every loop, so a
 * new revision does not mean a new owner), and an A, B, A quicker than the
 * read interval is missed, never invented. `owner`: who held the key
 * before these reads, when an earlier read showed it.
 */
export function countOwnerChanges(reads: readonly DcsEvent[], owner: string | null = null): number {
  let changes = 0;
  let last = owner;
  for (const d of reads) {
    if (d.leader === null) continue;
    if (last !== null && d.leader !== last) changes++;
    last = d.leader;
  }
  return changes;
}

/** Two reads with the same mod_revision prove the key was not written between them (0 is an absent key, which proves nothing). */
function unwrittenBetween(a: DcsEvent | undefined, b: DcsEvent | undefined): boolean {
  return a !== undefined && b !== undefined && a.leader !== null && a.leader === b.leader && a.revision !== undefined && a.revision > 0 && a.revision === b.revision;
}

/**
 * Owner changes first seen in [from, to), the window of one fault (its
 * injection to the next one's): a change belongs to the window holding the
 * first read of the new owner, as the fault's detection does, so it may have
 * happened up to one read interval before `from`. Null (unknown) when
 * nothing shows who held the key when the window began (no read before it),
 * or when no read landed in the window (etcd unreadable throughout) unless
 * the reads on either side show the same revision, which proves the key was
 * never written meanwhile. `reads` in time order.
 */
export function changesInWindow(reads: readonly DcsEvent[], from: number, to = Infinity): number | null {
  if (to <= from) return 0; // no time for anything to change
  const start = reads.findIndex((d) => d.t >= from);
  const before = start === -1 ? reads : reads.slice(0, start);
  if (before.length === 0) return null;
  const inside = start === -1 ? [] : reads.slice(start).filter((d) => d.t < to);
  if (inside.length === 0) return unwrittenBetween(before.at(-1), reads.find((d) => d.t >= to)) ? 0 : null;
  const owner = before.findLast((d) => d.leader !== null)?.leader ?? null;
  return countOwnerChanges(inside, owner);
}

/** The one place the per-fault figure is made from the history (failover.ts fills `faults[].leader_changes` with it). */
export function leaderChangesIn(events: Events, from: number, to = Infinity): number | null {
  return changesInWindow(byTime(ofKind(events, 'dcs')), from, to);
}

/**
 * `leader_changes` over the whole run, so that a scenario can require that
 * its fault moves no leader (`== 0`, pg_auto_failover's guard tests).
 * Unknown without any read, and unknown as soon as one fault's window
 * could not be counted: a blind window may hide an A, B, A, and a count
 * that skipped it would pass `== 0` on no evidence.
 */
export function checkLeaderChanges(scenario: Scenario, events: Events): CheckOutput {
  // A scenario that does not judge the count must not turn 'error' over it: a window with no
  // read (etcd down for a whole fault) is only a gap in evidence nobody asked for. The metric
  // stays null, so a compare of such runs says "not measured", never 0.
  const judged = scenario.sla.some((r) => r.metric === 'leader_changes');
  const reads = byTime(ofKind(events, 'dcs'));
  if (reads.length === 0) return { metrics: {}, valid: judged ? 'unknown' : true, error: 'no dcs events: the leader key was never observed' };
  // The windows failover.ts gives each fault: a failed injection is no fault.
  const faults = injects(events).filter((f) => f.error === undefined);
  const blind = faults.filter((f, i) => changesInWindow(reads, f.t, faults[i + 1]?.t ?? Infinity) === null);
  if (blind.length > 0) {
    return {
      metrics: {},
      valid: judged ? 'unknown' : true,
      error: `no read of the leader key shows who held it from the injection of fault ${blind.map((f) => f.id).join(', ')} to the next one: a change there could not be counted`,
    };
  }
  return { metrics: { leader_changes: countOwnerChanges(reads) }, valid: true };
}
