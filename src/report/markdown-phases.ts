import type { FaultPhases, Metrics } from '../checks/metrics.js';
import { formatCount, formatDuration } from './format.js';
import { mdTable } from './md.js';

/**
 * The failover timeline as the seed documents state it (slas.md), set next
 * to the measurement so that a drill shows plainly which document holds.
 */
export const DOCUMENTED_PHASES = {
  detection: '< 10 s (003); 5-10 s (002)',
  promotion: '2-5 s + 3-5 s (002)',
  reroute: '6 s (002)',
  rto: '< 30 s (002, 003); ~30-45 s (001 runbook, ttl 30 / loop_wait 10); 30-60 s (004)',
} as const;

/** What the total RTO measures, said once under the tables: it is not "injection → first ack". */
export const RTO_MEANING = 'Total RTO: the longer of injection → the first write, started once the fault was in force, acknowledged by the leader the fault left '
  + '(the node and timeline acknowledging last before the next fault or the end, not at the heal: a fenced old primary that goes on acknowledging, '
  + 'even past the heal, is no recovery; re-route ends at that acknowledgement), '
  + 'and the longest stretch without an acknowledged write that began while the fault was in force (to its heal, or the next fault), '
  + 'or after the heal but before a new leader the fault left took over for good.';

/** One phases table per fault injection; the first fault's figures when the checks listed none. */
export function phasesSection(metrics: Metrics): string {
  const faults: FaultPhases[] = metrics.faults.length > 0 ? metrics.faults : [fromTopLevel(metrics)];
  return [...faults.map((f) => `${heading(f)}\n\n${effectLine(f)}${phasesTable(f)}\n\n${leaderChangesLine(f)}`), `_${RTO_MEANING}_`].join('\n\n');
}

/** A fault that must not move the leader is judged on this figure (leader_changes); absent in reports written before it existed. */
function leaderChangesLine(f: FaultPhases): string {
  const n: number | null | undefined = f.leader_changes;
  const figure = n === null || n === undefined ? 'unknown (no read of the leader key showed who held it)' : formatCount(n);
  return `Leader-key owner changes ${f.fault_id === '' ? 'over the run' : 'from this injection to the next'}: ${figure}.`;
}

export function phasesTable(f: FaultPhases): string {
  return mdTable(['phase', 'measured', 'documented'], [
    ['detection (leader key gone or changed in etcd)', formatDuration(f.detection_ms), DOCUMENTED_PHASES.detection],
    ['election + promotion (new leader out of recovery)', formatDuration(f.promotion_ms), DOCUMENTED_PHASES.promotion],
    ['HAProxy re-route (first write acknowledged by the leader the fault left)', formatDuration(f.reroute_ms), DOCUMENTED_PHASES.reroute],
    ['total RTO (the write outage the fault caused)', formatDuration(f.rto_ms), DOCUMENTED_PHASES.rto],
  ], ['l', 'r', 'l']);
}

function heading(f: FaultPhases): string {
  const change = f.old_leader === null && f.new_leader === null ? '' : `: leader ${f.old_leader ?? '?'} → ${f.new_leader ?? 'none'}`;
  return f.fault_id === '' ? `### Fault${change}` : `### Fault \`${f.fault_id}\` (${f.action})${change}`;
}

/** What proved the fault acted, above its figures: a fault that did nothing explains a clean run. */
function effectLine(f: FaultPhases): string {
  if (f.fault_id === '') return '';
  // A report.json written before effects were recorded has no key at all.
  return f.effect ? `Effect observed: ${f.effect}.\n\n` : 'Effect observed: not recorded.\n\n';
}

function fromTopLevel(m: Metrics): FaultPhases {
  return {
    fault_id: '', action: '', injected_at: 0,
    detection_ms: m.detection_ms, promotion_ms: m.promotion_ms, reroute_ms: m.reroute_ms, rto_ms: m.rto_ms,
    old_leader: null, new_leader: null, leader_changes: m.leader_changes, effect: null,
  };
}
