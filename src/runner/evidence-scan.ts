import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvidenceEvent } from '../history/events.js';
import type { EvidenceSpec, LogComponent } from '../scenario/evidence.js';

/** The names whose logs belong to each component: a member's log holds Patroni's output and its PostgreSQL's. */
export function logSources(members: readonly string[], etcd: readonly string[]): Record<LogComponent, string[]> {
  return { patroni: [...members], postgres: [...members], etcd: [...etcd], haproxy: ['haproxy'] };
}

// docker logs --timestamps: RFC 3339 in UTC, nanoseconds.
const DOCKER_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z\s/;
// Patroni's asctime ("2025-06-01 10:00:00,123", local time) and PostgreSQL's %m ("2025-06-01 10:00:00.123 UTC").
const LOG_TIME = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)[,.](\d{3})( UTC| GMT)?\b/;

/** When a log line says it was written (epoch ms), or undefined when it does not begin with a time this harness's components write. */
export function lineTime(line: string): number | undefined {
  const d = DOCKER_TIME.exec(line);
  if (d !== null) return Date.parse(`${d[1]}.${(d[2] ?? '0').padEnd(3, '0').slice(0, 3)}Z`);
  const l = LOG_TIME.exec(line);
  if (l === null) return undefined;
  // A zone-less time is the machine's: the local provider's processes share the harness's clock and zone.
  const t = Date.parse(`${l[1]}T${l[2]}.${l[3]}${l[4] === undefined ? '' : 'Z'}`);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Searches `dir`'s copied logs (<name>.log) for one `evidence:` entry: every
 * log of the component, whatever `on` names, so that the check can tell "on
 * another member" from "nowhere". Reads only; a log that is absent or
 * unreadable is listed as missing, never taken as "no match".
 */
export function scanEvidence(spec: EvidenceSpec, index: number, dir: string, sources: Record<LogComponent, string[]>, t: number): EvidenceEvent {
  const re = new RegExp(spec.matches);
  const read: string[] = [];
  const missing: string[] = [];
  const seen: EvidenceEvent['seen'] = [];
  for (const source of sources[spec.log]) {
    const file = join(dir, `${source}.log`);
    const text = existsSync(file) ? readLog(file) : undefined;
    if (text === undefined) {
      missing.push(source);
      continue;
    }
    read.push(source);
    const hits = text.split('\n').filter((l) => re.test(l));
    const first = hits[0];
    if (first === undefined) continue;
    const at = lineTime(first);
    seen.push({ source, line: first.trimEnd(), ...(at === undefined ? {} : { at }), count: hits.length });
  }
  return { kind: 'evidence', t, index, log: spec.log, matches: spec.matches, read, missing, seen };
}

/** A log's text, or undefined when it cannot be read (a folder, no permission): that log is missing, not silent. */
function readLog(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
