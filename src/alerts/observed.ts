/**
 * The series a run's scrapes saw, taken together (a series seen in any
 * scrape existed), and the targets that were never read in full: a series
 * missing from what was seen may be on one of those.
 */
import type { Labels } from './exposition.js';
import type { Scrape, TargetKind } from './scrape.js';

export interface Observed {
  series: Labels[];
  /** Targets with no complete scrape, each with why (the last error, or the lines that could not be read). */
  unread: Array<{ kind: TargetKind; name: string; why: string }>;
  /** How many targets of each kind were read in full. */
  read: Record<TargetKind, number>;
}

/**
 * Besides what the targets expose, Prometheus stores `up` for every target
 * it scrapes (1 or 0): a rule on `up` must not read as missing a series.
 */
export function observe(scrapes: readonly Scrape[]): Observed {
  const seen = new Map<string, Labels>();
  const add = (l: Labels) => seen.set(JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1))), l);
  const byTarget = new Map<string, { kind: TargetKind; name: string; full: boolean; why?: string }>();
  for (const s of scrapes) {
    for (const t of s.targets) {
      const key = `${t.kind}\0${t.name}`;
      const state = byTarget.get(key) ?? { kind: t.kind, name: t.name, full: false };
      add({ __name__: 'up', instance: new URL(t.url).host });
      if (t.ok) {
        t.series.forEach(add);
        if (t.badLines === 0) state.full = true;
        else state.why ??= `${t.badLines} lines of its /metrics could not be read`;
      } else {
        state.why = t.error;
      }
      byTarget.set(key, state);
    }
  }
  const targets = [...byTarget.values()];
  // No scrape at all proves nothing missing: every kind of target stands unread.
  const none = targets.length === 0 ? (['patroni', 'etcd'] as const).map((kind) => ({ kind, name: '(every target)', why: 'no scrape was taken' })) : [];
  return {
    series: [...seen.values()],
    unread: [...none, ...targets.filter((t) => !t.full).map((t) => ({ kind: t.kind, name: t.name, why: t.why ?? 'not scraped' }))],
    read: { patroni: targets.filter((t) => t.full && t.kind === 'patroni').length, etcd: targets.filter((t) => t.full && t.kind === 'etcd').length },
  };
}
