import { formatCount, formatDuration } from './format.js';
import type { ProbeEntry, TimelineEntry } from './timeline-types.js';

/** One timeline entry as a sentence for people (report.md, timeline.html tooltips). */
export function describeEntry(e: TimelineEntry): string {
  switch (e.kind) {
    case 'fault': {
      const on = e.resolved.length > 0 ? e.resolved.join(', ') : e.target;
      const what = e.phase === 'inject' ? `inject ${e.action} on ${on} (${e.target})` : `heal ${e.action} on ${on}`;
      return `fault ${e.id}: ${what}${e.detail ? `, ${e.detail}` : ''}${e.effect ? `; effect: ${e.effect}` : ''}${e.unknown ? `; the run cannot pass: ${e.unknown}` : ''}${e.error ? `: error ${e.error}` : ''}`;
    }
    case 'step': return `step ${e.index + 1} ${e.phase === 'start' ? 'started' : 'ended'}: ${e.step}${e.error ? `: ${e.error}` : ''}`;
    case 'dcs': return e.leader === null ? 'etcd: no leader key' : `etcd: leader key held by ${e.leader}`;
    case 'probe': return describeProbe(e);
    case 'write':
      if (e.outcome === 'ok') {
        const where = [e.node, e.timeline === undefined ? undefined : `timeline ${e.timeline}`].filter(Boolean).join(', ');
        const lead = e.gap_ms === null ? 'first acknowledged write' : `writes acknowledged again after ${formatDuration(e.gap_ms)} without`;
        return where ? `${lead} (${where})` : lead;
      } else {
        const what = e.outcome === 'fail' ? 'failed' : 'indeterminate (info)';
        const span = e.count > 1 ? ` over ${formatDuration(e.until_ms - e.at_ms)}` : '';
        return `${formatCount(e.count)} write${e.count === 1 ? '' : 's'} ${what}${span}${e.error ? `: ${e.error}` : ''}`;
      }
    case 'converged': {
      const members = e.members.map((m) => `${m.name} ${m.role}/${m.state}`).join(', ');
      return `${e.ok ? 'converged' : 'did not converge'}: ${members}`;
    }
    case 'note': return e.message;
    case 'final-read': return `final read on ${e.node}: ${formatCount(e.rows)} rows`;
  }
}

function describeProbe(e: ProbeEntry): string {
  if (e.role === 'unreachable') return `${e.member}: unreachable${e.error ? ` (${e.error})` : ''}`;
  const views = [
    e.patroni_role === undefined ? undefined : `Patroni ${e.patroni_role}${e.patroni_state ? ` ${e.patroni_state}` : ''}`,
    e.in_recovery === undefined ? 'PostgreSQL unknown' : e.in_recovery ? 'in recovery' : 'not in recovery',
    e.writable === undefined ? undefined : e.writable ? 'writable' : 'not writable',
    e.timeline === undefined ? undefined : `timeline ${e.timeline}`,
  ].filter((v): v is string => v !== undefined);
  return `${e.member}: ${e.role} (${views.join(', ')})`;
}
