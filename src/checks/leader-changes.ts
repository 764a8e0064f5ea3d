import type { DcsEvent, HistoryEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime, injects } from './timeline.js';
import { formatDuration } from '../format.js';

/**
 * How many times the leader key changed owner, as the linearizable reads
 * saw it (reads in time order). Only owners count: a read without a key is
 * skipped, so a key lost and retaken by the same member (A, none, A) is no
 * change, since no other member ever led; A, none, B is one; A, none, B, A
 * is two. The first owner ever read is where counting starts, not a change.
 * The count is a lower bound: two reads showing the same owner prove
 * nothing about what lay between (Patroni rewrites its key every loop, so a
 * new revision does not mean a new owner), and an A, B, A between two reads
 * is missed, never invented; `changesInWindow` refuses a count across a
 * stretch long enough to hold one. `owner`: who held the key before these
 * reads, when an earlier read showed it.
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
 * The longest stretch between two successful reads of the key, written
 * meanwhile, that cannot hide an owner change and back (A, B, A). That is
 * two elections with a promotion between them: B must win a leader race
 * and promote (Patroni runs its next HA cycle once PostgreSQL has left
 * recovery) before it can give the key up, and A, just demoted or crashed,
 * must run as a replica again to win it back (Patroni's healthiest-node
 * check). Patroni's fastest hand-over, a planned switchover (the old
 * primary's shutdown checkpoint, then the candidate's promotion), takes
 * seconds: 4.6-5.5 s of write outage on this project's clusters. 2 s is
 * well under two of them, and 20 reads at the default 100 ms interval
 * (an etcd member down costs a read at most 500 ms before the next member
 * is asked).
 */
export const BLIND_AFTER_MS = 2000;

/**
 * Why the reads cannot count the owner changes of [from, to), or undefined
 * when they can: no read before it (who held the key is unknown), none in
 * it, or two consecutive reads around or inside it further apart than
 * BLIND_AFTER_MS (from the first's send to the second's answer), unless the
 * two show the same revision (the key was not written: no change). The
 * observer records only the reads that succeeded, so a stretch in which
 * etcd did not answer it, or the harness stalled, is such a gap. Reads
 * without a revision come from histories that recorded only changes of
 * owner, in which a gap is no blindness. `reads` in time order.
 */
export function whyUncounted(reads: readonly DcsEvent[], from: number, to = Infinity): string | undefined {
  if (to <= from) return undefined; // no time for anything to change
  const start = reads.findIndex((d) => d.t >= from);
  const before = start === -1 ? reads.at(-1) : reads[start - 1];
  if (before === undefined) return 'no read before it shows who held the leader key';
  const inside = start === -1 ? [] : reads.slice(start).filter((d) => d.t < to);
  const after = reads.find((d) => d.t >= to);
  if (inside.length === 0) return unwrittenBetween(before, after) ? undefined : 'no read of the leader key landed in it';
  const seen = [before, ...inside, ...(after === undefined ? [] : [after])];
  for (let i = 1; i < seen.length; i++) {
    const a = seen[i - 1] as DcsEvent;
    const b = seen[i] as DcsEvent;
    if (a.revision === undefined || b.revision === undefined || unwrittenBetween(a, b)) continue;
    const blind = (b.end ?? b.t) - a.t;
    if (blind > BLIND_AFTER_MS) return `no read of the leader key answered for ${formatDuration(blind)} from ${a.t < from ? 'before the injection' : `${formatDuration(a.t - from)} after the injection`}, and the key was written meanwhile: an owner change and back could hide there`;
  }
  return undefined;
}

/**
 * Owner changes first seen in [from, to), the window of one fault (its
 * injection to the next one's): a change belongs to the window holding the
 * first read of the new owner, as the fault's detection does, so it may have
 * happened up to one read interval before `from`. Null (unknown) when the
 * reads cannot count them (`whyUncounted`). `reads` in time order.
 */
export function changesInWindow(reads: readonly DcsEvent[], from: number, to = Infinity): number | null {
  if (whyUncounted(reads, from, to) !== undefined) return null;
  if (to <= from) return 0;
  const start = reads.findIndex((d) => d.t >= from);
  const before = start === -1 ? reads : reads.slice(0, start);
  const inside = start === -1 ? [] : reads.slice(start).filter((d) => d.t < to);
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
  const blind = faults.flatMap((f, i) => {
    const why = whyUncounted(reads, f.t, faults[i + 1]?.t ?? Infinity);
    return why === undefined ? [] : [`fault ${f.id}: ${why}`];
  });
  if (blind.length > 0) {
    return {
      metrics: {},
      valid: judged ? 'unknown' : true,
      error: `the reads of the leader key cannot count its changes from a fault's injection to the next one (${blind.join('; ')})`,
    };
  }
  return { metrics: { leader_changes: countOwnerChanges(reads) }, valid: true };
}
