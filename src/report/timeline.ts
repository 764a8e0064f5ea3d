import type { HistoryEvent, ProbeEvent } from '../history/events.js';
import { type Events, isView, writesByEnd } from '../history/history.js';
import { probeRole, probeStateKey } from './probe-state.js';
import type { ProbeEntry, TimelineEntry } from './timeline-types.js';
import { optional } from '../optional.js';
import { compressWrites } from './timeline-writes.js';

/** report.json must stay readable: a flapping probe must not turn it into the history. */
export const MAX_TIMELINE_ENTRIES = 1500;

/**
 * The events that matter to a person, in time order, offsets from `start`:
 * every fault, step, converged, note and final read; DCS leader and member
 * state only where they change; writes compressed (see compressWrites).
 * Bounded by `max`: change events (probes, writes) beyond the budget are
 * dropped, latest first, and a note says how many.
 */
export function buildTimeline(events: Events, start: number, max = MAX_TIMELINE_ENTRIES): TimelineEntry[] {
  const at = (t: number): number => Math.round(t - start);
  const kept: TimelineEntry[] = [];
  const noisy: TimelineEntry[] = [];
  const probes: ProbeEvent[] = [];
  let leader: string | null | undefined;

  const others = isView(events) ? events.others : events;
  for (const e of [...others].sort((a, b) => eventTime(a) - eventTime(b))) {
    switch (e.kind) {
      case 'write': break; // compressed below, from the writes in order
      case 'probe': probes.push(e); break;
      case 'dcs':
        if (e.leader !== leader) kept.push({ at_ms: at(e.t), kind: 'dcs', leader: e.leader });
        leader = e.leader;
        break;
      case 'fault': {
        const { kind, t, ...rest } = e;
        kept.push({ at_ms: at(t), kind, ...rest });
        break;
      }
      case 'step': {
        const { kind, t, ...rest } = e;
        kept.push({ at_ms: at(t), kind, ...rest });
        break;
      }
      case 'converged': kept.push({ at_ms: at(e.t), kind: 'converged', ok: e.ok, members: e.members }); break;
      case 'note': kept.push({ at_ms: at(e.t), kind: 'note', message: e.message }); break;
      case 'final-read': kept.push({ at_ms: at(e.t), kind: 'final-read', node: e.node, rows: e.keys.length }); break;
      case 'members': break; // the cluster section lists them
      case 'alert-evaluation': break; // report.json's alerts section holds it, timeline.html its lane
    }
  }
  noisy.push(...probeChanges(probes, start), ...compressWrites(writesByEnd(events), start));
  noisy.sort((a, b) => a.at_ms - b.at_ms);

  const budget = Math.max(0, max - kept.length - 1);
  const omitted = noisy.length - budget;
  const all = [...kept, ...(omitted > 0 ? noisy.slice(0, budget) : noisy)];
  if (omitted > 0) {
    const last = all.reduce((m, x) => Math.max(m, x.at_ms), 0);
    all.push({ at_ms: last, kind: 'note', message: `timeline truncated: ${omitted} later probe/write entries omitted` });
  }
  // Stable sort keeps a step's start before the fault it caused at the same millisecond.
  return all.sort((a, b) => a.at_ms - b.at_ms);
}

/** Probes where a member's observed state differs from its previous probe (its first included). */
export function probeChanges(probes: readonly ProbeEvent[], start: number): ProbeEntry[] {
  const last = new Map<string, string>();
  const out: ProbeEntry[] = [];
  for (const p of [...probes].sort((a, b) => a.t - b.t)) {
    const key = probeStateKey(p);
    if (last.get(p.member) === key) continue;
    last.set(p.member, key);
    out.push({
      at_ms: Math.round(p.t - start),
      kind: 'probe',
      member: p.member,
      role: probeRole(p),
      ...optional({ patroni_role: p.patroniRole, patroni_state: p.patroniState, in_recovery: p.inRecovery, writable: p.writable, timeline: p.timeline, error: p.error }),
    });
  }
  return out;
}

export function eventTime(e: HistoryEvent): number {
  return e.kind === 'write' ? e.end : e.t;
}
