import type { HistoryEvent, ProbeEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import { formatDuration } from '../format.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { conflictingAcks, describeConflict } from './ops-evidence.js';
import { sweep, writableSpans } from './split-brain.js';

/** A probe that told us something: PostgreSQL's view or a write probe's answer. */
const informative = (p: ProbeEvent): boolean => p.inRecovery !== undefined || p.writable !== undefined;

/**
 * Why the probes cannot show every writable moment: a member that no probe
 * ever answered for (or no member probed at all); undefined when each was seen.
 */
export function blindSpot(events: Events): string | undefined {
  const probes = ofKind(events, 'probe');
  // The cluster's own list when the run recorded it: a member no observer ever probed is unseen too.
  const members = [...new Set([...ofKind(events, 'members').flatMap((e) => e.members), ...probes.map((p) => p.member)])].sort();
  const unseen = members.filter((m) => !probes.some((p) => p.member === m && informative(p)));
  if (members.length === 0) return 'no probe events: no member was observed';
  return unseen.length > 0 ? `no probe of ${unseen.join(', ')} ever answered: ${unseen.length === 1 ? 'it' : 'they'} could have been writable unseen` : undefined;
}

/**
 * Never two writable primaries. The probes give the count and the time;
 * acknowledged writes in real-time order (ops-evidence) raise the count to
 * at least 2 even when the sampled probes missed it. split_brain_ms stays
 * the probes' figure: the acks prove an overlap happened, not how long.
 *
 * No evidence is no pass: a member whose every probe failed could have
 * been a primary the whole time, so the count is not measured ('unknown',
 * null) unless the acks prove a split brain anyway (then 2, a lower bound:
 * evidence is never hidden behind "not measured").
 */
export function checkPrimaries(scenario: Scenario, events: Events): CheckOutput {
  const blind = blindSpot(events);
  const overlap = sweep(writableSpans(scenario, events));
  const conflicts = conflictingAcks(events);
  const evidence = [
    overlap.max >= 2 ? `members ${overlap.members.join(', ')} writable at once for ${formatDuration(overlap.splitBrainMs)} (probes)` : '',
    ...conflicts.map(describeConflict),
  ].filter((e) => e !== '');
  if (blind !== undefined) {
    if (conflicts.length === 0 && overlap.max < 2) return { metrics: {}, valid: 'unknown', error: blind };
    return { metrics: { max_concurrent_primaries: Math.max(2, overlap.max), split_brain_ms: null }, valid: false, error: `${evidence.join('; ')} (and ${blind})` };
  }
  const max = conflicts.length > 0 ? Math.max(2, overlap.max) : overlap.max;
  const valid = max <= 1;
  return {
    metrics: { max_concurrent_primaries: max, split_brain_ms: overlap.splitBrainMs },
    valid,
    ...(valid ? {} : { error: evidence.join('; ') }),
  };
}
