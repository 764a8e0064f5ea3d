// Where a local start's time went, read back from the run folder's logs (kept after stop):
// when the leader bootstrapped, each replica's basebackup ended and it streamed, the
// synchronous standby was chosen and HAProxy first routed a session to the primary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (file) => {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
};

// Patroni logs local time with a comma ("2026-12-04 19:57:44,937"); PostgreSQL UTC ("... 19:57:46.796 UTC").
function lineTime(line) {
  const pg = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC/.exec(line);
  if (pg) return Date.parse(`${pg[1]}T${pg[2]}Z`);
  const py = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3}) /.exec(line);
  return py ? new Date(`${py[1]}T${py[2]}.${py[3]}`).getTime() : undefined;
}

const first = (lines, re) => {
  for (const l of lines) if (re.test(l)) return lineTime(l);
  return undefined;
};

const MONTHS = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

/** HAProxy's first session the primary listener sent to a server ("[04/Dec/2026:19:57:50.224] primary primary/patroni3"). */
function firstPrimarySession(lines) {
  for (const l of lines) {
    const m = /\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d\.\d{3})\] primary primary\/patroni/.exec(l);
    if (m) return new Date(`${m[3]}-${MONTHS[m[2]]}-${m[1]}T${m[4]}`).getTime();
  }
  return undefined;
}

/**
 * Milestones of one start, in seconds from t0 (ms since the epoch, when start() was called).
 * `marks` are the provider's progress lines with their times, [{ t, line }].
 */
export function phasesOf(runDir, t0, marks = []) {
  const logs = join(runDir, 'logs');
  const members = ['patroni1', 'patroni2', 'patroni3'].map((name) => ({ name, lines: read(join(logs, `${name}.log`)) }));
  const leader = members.find((m) => m.lines.some((l) => l.includes('initialized a new cluster')));
  const s = (t) => (t === undefined ? undefined : (t - t0) / 1000);
  const mark = (re) => s(marks.find((m) => re.test(m.line))?.t);
  const out = {
    'etcd started': mark(/^starting etcd/),
    'patroni started (etcd healthy)': mark(/^starting Patroni/),
    'initdb started': s(leader && first(leader.lines, /trying to bootstrap a new cluster/)),
    'leader bootstrapped': s(leader && first(leader.lines, /initialized a new cluster/)),
  };
  for (const m of members.filter((x) => x !== leader)) {
    out[`${m.name} basebackup done`] = s(first(m.lines, /replica has been created using basebackup/));
    out[`${m.name} streaming`] = s(first(m.lines, /started streaming WAL from primary/));
    // Patroni's own view: it says running only once pg_isready accepts, which it asks again a second after a refusal.
    out[`${m.name} running`] = s(first(m.lines, /a secondary, and following a leader/));
  }
  out['sync standby chosen'] = s(leader && first(leader.lines, /Synchronous standby status assigned to/));
  out['HAProxy routed to primary'] = s(firstPrimarySession(read(join(logs, 'haproxy.log'))));
  for (const m of marks.filter((x) => !/^starting (etcd|Patroni)/.test(x.line))) out[m.line] = s(m.t);
  return out;
}

export function formatPhases(p) {
  return Object.entries(p).map(([k, v]) => `${k} ${v === undefined ? '?' : `${v.toFixed(2)}`}`).join(' | ');
}
