/**
 * Independent evidence of a failover, read from what the cluster's own
 * components wrote rather than from what the harness measured: Patroni's log
 * lines, PostgreSQL's log lines (PostgreSQL runs with logging_collector off,
 * so its stderr lands in the same per-member log file as Patroni's), the
 * timeline history files in pg_wal, and etcd's revision history of the
 * leader key. The integration tests set the harness's figures against these.
 *
 * The parsers are pure and return `undefined` (or skip the line) for
 * anything they do not recognise; only the readers at the bottom touch the
 * file system or start a process.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// ---------------------------------------------------------------- log lines

export interface LogLine {
  /** Epoch milliseconds. */
  t: number;
  source: 'patroni' | 'postgres';
  /** INFO, WARNING, ... for Patroni; LOG, FATAL, ... for PostgreSQL. */
  level: string;
  /** PostgreSQL's process id; absent on Patroni's lines. */
  pid?: number;
  message: string;
}

/**
 * Patroni 3.0's default format, `%(asctime)s %(levelname)s: %(message)s`:
 * `2026-11-25 08:29:10,679 INFO: promoted self to leader by acquiring session lock`.
 * asctime is the local wall clock of the Patroni process with no zone, so it
 * is read in this process's local zone (the same /etc/localtime unless the
 * two were started with different TZ).
 */
const PATRONI_LINE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) ([A-Z]+): (.*)$/;

/**
 * PostgreSQL with Patroni's default log_line_prefix `%m [%p] `:
 * `2026-11-25 08:29:10.691 UTC [16159] LOG:  selected new timeline ID: 2`.
 * %m carries log_timezone's abbreviation.
 */
const POSTGRES_LINE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) (\S+) \[(\d+)\] ([A-Z0-9]+):\s+(.*)$/;

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60 && y >= 1970;
}

/**
 * Minutes east of UTC for a zone as PostgreSQL prints it: UTC, GMT, Z, or a
 * numeric offset (+02, -0530, +05:30). Named abbreviations (CET, EST...) are
 * ambiguous and give undefined.
 */
export function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'UTC' || zone === 'GMT' || zone === 'Z' || zone === 'UCT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

export function parsePatroniLine(line: string): LogLine | undefined {
  const m = PATRONI_LINE.exec(line);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  if (!validParts(y, mo, d, h, mi, s)) return undefined;
  return { t: new Date(y, mo - 1, d, h, mi, s, ms).getTime(), source: 'patroni', level: m[8] as string, message: m[9] as string };
}

export function parsePostgresLine(line: string): LogLine | undefined {
  const m = POSTGRES_LINE.exec(line);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  const offset = zoneOffsetMinutes(m[8] as string);
  if (offset === undefined || !validParts(y, mo, d, h, mi, s)) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset * 60_000;
  return { t, source: 'postgres', level: m[10] as string, pid: Number(m[9]), message: (m[11] as string).trimEnd() };
}

/**
 * Every recognisable line of a member's log (Patroni's and PostgreSQL's,
 * interleaved), in time order. Patroni logs through a queue, so file order
 * is not time order. Tracebacks and other continuation lines are skipped.
 */
export function parseMemberLog(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    const line = parsePatroniLine(raw) ?? parsePostgresLine(raw);
    if (line) lines.push(line);
  }
  return lines.sort((a, b) => a.t - b.t); // stable: equal stamps keep file order
}

// ------------------------------------------------------- what the lines say

/** Patroni's messages for a replica that took the leader key and started promoting. */
export const PATRONI_PROMOTION_MESSAGES = [
  'promoted self to leader by acquiring session lock',
  'promoted self to leader because I had the session lock',
] as const;

export interface PatroniPromotion {
  /** When Patroni logged it: the leader key had been acquired by then. */
  t: number;
  message: string;
}

/** The first promotion line at or after `after` (epoch ms), if any. */
export function patroniPromotion(lines: readonly LogLine[], after = -Infinity): PatroniPromotion | undefined {
  const line = lines.find(
    (l) => l.source === 'patroni' && l.t >= after && PATRONI_PROMOTION_MESSAGES.some((p) => l.message.startsWith(p)),
  );
  return line && { t: line.t, message: line.message };
}

/**
 * The last time before `before` that a member's Patroni reported holding the
 * leader key ("no action. I am (patroni1), the leader with the lock", or the
 * promotion/acquisition lines). Patroni refreshes the key before it logs the
 * cycle's outcome, so the key's lease ran at least until this + ttl.
 */
export function lastLeaderLine(lines: readonly LogLine[], before = Infinity): number | undefined {
  return lines
    .filter(
      (l) =>
        l.source === 'patroni' &&
        l.t < before &&
        (/\bthe leader with the lock\b/.test(l.message) ||
          l.message.startsWith('acquired session lock as a leader') ||
          PATRONI_PROMOTION_MESSAGES.some((p) => l.message.startsWith(p))),
    )
    .at(-1)?.t;
}

export interface PostgresPromotion {
  /** "received promote request" (absent if the line is missing). */
  requestedAt?: number;
  /** "selected new timeline ID: N": the earliest moment the new timeline exists. */
  timelineSelectedAt: number;
  newTimeline: number;
  /** "archive recovery complete" (absent if the line is missing). */
  recoveryCompleteAt?: number;
  /**
   * The postmaster's "database system is ready to accept connections" after
   * the new timeline: it logs it once the startup process has exited, i.e.
   * after pg_is_in_recovery() turned false.
   */
  readyAt?: number;
}

const NEW_TIMELINE = /^selected new timeline ID: (\d+)\b/;

/** The first promotion PostgreSQL logged at or after `after`. */
export function postgresPromotion(lines: readonly LogLine[], after = -Infinity): PostgresPromotion | undefined {
  const pg = lines.filter((l) => l.source === 'postgres' && l.t >= after);
  const selectedIndex = pg.findIndex((l) => NEW_TIMELINE.test(l.message));
  const selected = pg[selectedIndex];
  if (selected === undefined) return undefined;
  const newTimeline = Number(NEW_TIMELINE.exec(selected.message)?.[1]);
  if (!Number.isSafeInteger(newTimeline) || newTimeline < 2) return undefined;
  // The request comes from the same startup process, just before the timeline is selected.
  const requested = pg
    .slice(0, selectedIndex)
    .filter((l) => l.pid === selected.pid && l.message.startsWith('received promote request'))
    .at(-1);
  const later = pg.slice(selectedIndex + 1);
  const complete = later.find((l) => l.pid === selected.pid && l.message.startsWith('archive recovery complete'));
  const ready = later.find((l) => l.message.startsWith('database system is ready to accept connections'));
  return {
    timelineSelectedAt: selected.t,
    newTimeline,
    ...(requested ? { requestedAt: requested.t } : {}),
    ...(complete ? { recoveryCompleteAt: complete.t } : {}),
    ...(ready ? { readyAt: ready.t } : {}),
  };
}

// ------------------------------------------------------- timeline history

export interface TimelineHistoryEntry {
  /** The timeline that was left. */
  parent: number;
  /** Where the next timeline branched off, as a byte position. */
  switchPoint: number;
  /** The same, as PostgreSQL prints it (X/X). */
  switchLsn: string;
  reason: string;
}

/** An LSN "X/X" as a byte position, or undefined when malformed. */
export function parseLsn(lsn: string): number | undefined {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn.trim());
  if (!m) return undefined;
  return parseInt(m[1] as string, 16) * 2 ** 32 + parseInt(m[2] as string, 16);
}

/** `00000002.history`: the file that describes how timeline `tli` began. */
export function historyFileName(tli: number): string {
  return `${tli.toString(16).toUpperCase().padStart(8, '0')}.history`;
}

/**
 * A timeline history file ("parentTLI <tab> switchpoint <tab> reason" per
 * line, comments and blank lines ignored, as PostgreSQL's
 * readTimeLineHistory does). Throws on a malformed line, naming it: a
 * history file PostgreSQL wrote is never malformed, so one that is means the
 * wrong file was read.
 */
export function parseTimelineHistory(text: string): TimelineHistoryEntry[] {
  const entries: TimelineHistoryEntry[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\d+)\s+([0-9A-Fa-f]+\/[0-9A-Fa-f]+)(?:\s+(.*))?$/.exec(line);
    const parent = Number(m?.[1]);
    const switchPoint = m ? parseLsn(m[2] as string) : undefined;
    if (!m || switchPoint === undefined || !Number.isSafeInteger(parent) || parent < 1) {
      throw new Error(`timeline history line ${i + 1} is malformed: ${JSON.stringify(raw)}`);
    }
    const previous = entries.at(-1);
    if (previous && (parent <= previous.parent || switchPoint < previous.switchPoint)) {
      throw new Error(`timeline history line ${i + 1} goes backwards: ${JSON.stringify(raw)}`);
    }
    entries.push({ parent, switchPoint, switchLsn: m[2] as string, reason: (m[3] ?? '').trim() });
  }
  return entries;
}

// ---------------------------------------------------- etcd key revisions

/** One read of a key at a given revision (`kv` null: the key did not exist then). */
export interface KeyAtRevision {
  revision: number;
  kv: { modRevision: number; value: string } | null;
}

/** A change of the key: put (value) or delete (null) at a revision. */
export interface KeyChange {
  revision: number;
  value: string | null;
}

/**
 * The changes of a key, from reads of it at successive revisions: a new
 * mod_revision is a put at that revision; the key vanishing at revision r is
 * a delete at r (for Patroni's leader key, a lease that expired or a release).
 */
export function keyChanges(reads: readonly KeyAtRevision[]): KeyChange[] {
  const changes: KeyChange[] = [];
  let present: number | null = null; // mod_revision currently seen
  for (const r of [...reads].sort((a, b) => a.revision - b.revision)) {
    if (r.kv === null) {
      if (present !== null) changes.push({ revision: r.revision, value: null });
      present = null;
    } else if (r.kv.modRevision !== present) {
      changes.push({ revision: r.kv.modRevision, value: r.kv.value });
      present = r.kv.modRevision;
    }
  }
  return changes;
}

// ---------------------------------------------------------------- readers

export interface MemberEvidence {
  member: string;
  lines: LogLine[];
  patroniPromotion?: PatroniPromotion;
  postgresPromotion?: PostgresPromotion;
  /** The last time before the injection this member's Patroni said it held the leader key. */
  lastLeaderLine?: number;
  /** The history file of the timeline this member's PostgreSQL selected, from its kept pg_wal. */
  history?: TimelineHistoryEntry[];
}

/**
 * The independent evidence of a run: each member's log from the report
 * folder's logs/ (patroniN.log), and the timeline history files from the
 * kept data directories in the run folder (`--keep-cluster`). Only lines at
 * or after `after` (the fault's injection, epoch ms) count as promotions.
 */
export function readEvidence(reportFolder: string, runDir: string, after: number): MemberEvidence[] {
  const logDir = join(reportFolder, 'logs');
  const members = readdirSync(logDir)
    .filter((f) => /^patroni\d+\.log$/.test(f))
    .map((f) => f.replace(/\.log$/, ''))
    .sort();
  return members.map((member) => {
    const lines = parseMemberLog(readFileSync(join(logDir, `${member}.log`), 'utf8'));
    const ev: MemberEvidence = { member, lines };
    const patroni = patroniPromotion(lines, after);
    if (patroni) ev.patroniPromotion = patroni;
    const pg = postgresPromotion(lines, after);
    if (pg) ev.postgresPromotion = pg;
    const leader = lastLeaderLine(lines, after);
    if (leader !== undefined) ev.lastLeaderLine = leader;
    if (pg) {
      const file = join(runDir, member, 'data', 'pg_wal', historyFileName(pg.newTimeline));
      if (existsSync(file)) ev.history = parseTimelineHistory(readFileSync(file, 'utf8'));
    }
    return ev;
  });
}

async function post(url: string, path: string, body: unknown): Promise<any> { // etcd's JSON gateway
  const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${url}${path}: HTTP ${res.status}`);
  return res.json();
}

/**
 * Every change of `key` in the etcd data directory `dataDir` (kept by
 * `--keep-cluster`): a copy of it is opened by a throw-away single-member
 * etcd (`--force-new-cluster`, the kept cluster's other members are gone)
 * on `clientPort`/`peerPort`, the key is read at every revision (Patroni's
 * etcd is never compacted), and the etcd is stopped and its copy removed
 * before this returns. The copy lives in `scratchDir`, which must not exist.
 */
export async function etcdKeyHistory(dataDir: string, key: string, scratchDir: string, clientPort: number, peerPort: number): Promise<KeyChange[]> {
  if (existsSync(scratchDir)) throw new Error(`${scratchDir} exists`);
  cpSync(dataDir, scratchDir, { recursive: true });
  const url = `http://127.0.0.1:${clientPort}`;
  const child = spawn('etcd', [
    '--name=forensic', `--data-dir=${scratchDir}`, '--force-new-cluster',
    `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const b64 = Buffer.from(key).toString('base64');
    let head: number | undefined;
    for (let i = 0; i < 100 && head === undefined; i++) {
      if (child.exitCode !== null) throw new Error(`forensic etcd exited ${child.exitCode}: ${stderr}`);
      head = await post(url, '/v3/kv/range', { key: b64 }).then((r) => Number(r.header.revision), () => undefined);
      if (head === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    if (head === undefined) throw new Error(`forensic etcd did not answer on ${url}: ${stderr}`);
    const reads: KeyAtRevision[] = [];
    for (let revision = 1; revision <= head; revision++) {
      const r = await post(url, '/v3/kv/range', { key: b64, revision });
      const kv = r.kvs?.[0];
      reads.push({
        revision,
        kv: kv ? { modRevision: Number(kv.mod_revision), value: Buffer.from(kv.value ?? '', 'base64').toString('utf8') } : null,
      });
    }
    return keyChanges(reads);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
