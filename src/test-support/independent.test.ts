import { describe, expect, it } from 'vitest';
import {
  historyFileName, keyChanges, lastLeaderLine, parseLsn, parseMemberLog, parsePatroniLine, parsePostgresLine,
  parseTimelineHistory, patroniPromotion, postgresPromotion, zoneOffsetMinutes,
} from './independent.js';

/** An old leader's renewals, with a line that is no log line at all. */
const OLD_LEADER = `2026-11-25 08:03:32,295 INFO: no action. I am (patroni1), the leader with the lock
2026-11-25 08:03:37,317 INFO: no action. I am (patroni1), the leader with the lock
garbage line
2026-11-25 08:04:10,000 INFO: no action. I am (patroni1), the leader with the lock
`;

describe('Patroni and PostgreSQL log lines', () => {
  it('reads a Patroni line in local time, to the millisecond', () => {
    expect(parsePatroniLine('2026-11-25 08:29:10,679 INFO: promoted self to leader by acquiring session lock')).toEqual({
      t: new Date(2026, 10, 25, 8, 29, 10, 679).getTime(),
      source: 'patroni',
      level: 'INFO',
      message: 'promoted self to leader by acquiring session lock',
    });
  });

  it('refuses Patroni lines that are not one: tracebacks, other formats, impossible dates, a missing level', () => {
    for (const line of [
      '  File "/usr/lib/python3/dist-packages/patroni/api.py", line 721, in handle_one_request',
      'server promoting',
      '2026-11-25 08:29:10 INFO: no milliseconds',
      '2026-11-25 08:29:10.679 INFO: a dot instead of a comma',
      '2026-13-25 08:29:10,679 INFO: month 13',
      '2026-11-25 25:29:10,679 INFO: hour 25',
      '2026-11-25 08:29:10,679 promoted self to leader by acquiring session lock',
      '',
    ]) expect(parsePatroniLine(line), line).toBeUndefined();
  });

  it('reads a PostgreSQL line with its zone: UTC and numeric offsets, not ambiguous names', () => {
    expect(parsePostgresLine('2026-11-25 08:29:10.691 UTC [16159] LOG:  selected new timeline ID: 2')).toEqual({
      t: Date.UTC(2026, 10, 25, 8, 29, 10, 691),
      source: 'postgres',
      level: 'LOG',
      pid: 16159,
      message: 'selected new timeline ID: 2',
    });
    expect(parsePostgresLine('2026-11-25 10:29:10.691 +02 [16159] LOG:  x')?.t).toBe(Date.UTC(2026, 10, 25, 8, 29, 10, 691));
    expect(parsePostgresLine('2026-11-25 02:59:10.691 -0530 [16159] LOG:  x')?.t).toBe(Date.UTC(2026, 10, 25, 8, 29, 10, 691));
    expect(parsePostgresLine('2026-11-25 09:29:10.691 CET [16159] LOG:  x')).toBeUndefined();
    expect(parsePostgresLine('2026-11-25 08:29:10.691 UTC LOG:  no pid')).toBeUndefined();
    expect(parsePostgresLine('2026-11-25 08:29:10,691 UTC [1] LOG:  a comma')).toBeUndefined();
    expect(zoneOffsetMinutes('+05:30')).toBe(330);
    expect(zoneOffsetMinutes('EST')).toBeUndefined();
  });

  it('puts a member log in time order: Patroni logs through a queue, so its lines can trail PostgreSQL\'s', () => {
    const lines = parseMemberLog(`2026-11-25 08:29:10,679 INFO: promoted self to leader by acquiring session lock
2026-11-25 08:29:10.691 UTC [16159] LOG:  selected new timeline ID: 2
Traceback (most recent call last):
2026-11-25 08:29:10,680 INFO: Lock owner: patroni3; I am patroni3
`);
    expect(lines.map((l) => [l.source, l.message])).toEqual([
      ['patroni', 'promoted self to leader by acquiring session lock'],
      ['patroni', 'Lock owner: patroni3; I am patroni3'],
      ['postgres', 'selected new timeline ID: 2'],
    ]);
    expect(parseMemberLog('')).toEqual([]);
  });
});

/** patroni3's log around its promotion in a real kill-primary run (trimmed). */
const PROMOTED = `2026-11-25 08:29:05,196 INFO: no action. I am (patroni3), a secondary, and following a leader (patroni1)
2026-11-25 08:29:10.239 UTC [18009] FATAL:  could not connect to the primary server: connection to server at "127.0.0.1", port 8610 failed: Connection refused
2026-11-25 08:29:10,248 INFO: no action. I am (patroni3), a secondary, and following a leader (patroni1)
2026-11-25 08:29:10,487 WARNING: Request failed to patroni1: GET http://127.0.0.1:8620/patroni (HTTPConnectionPool(host='127.0.0.1', port=8620): Max retries exceeded)
2026-11-25 08:29:10,562 WARNING: Could not activate Linux watchdog device: "Can't open watchdog device: [Errno 2] No such file or directory: '/dev/watchdog'"
2026-11-25 08:29:10,679 INFO: promoted self to leader by acquiring session lock
server promoting
2026-11-25 08:29:10.683 UTC [16159] LOG:  received promote request
2026-11-25 08:29:10.683 UTC [16159] LOG:  redo done at 0/41514B0 system usage: CPU: user: 0.11 s, system: 0.04 s, elapsed: 29.17 s
2026-11-25 08:29:10,684 INFO: cleared rewind state after becoming the leader
2026-11-25 08:29:10.691 UTC [16159] LOG:  selected new timeline ID: 2
2026-11-25 08:29:10.726 UTC [18054] ERROR:  replication slot "patroni2" does not exist
2026-11-25 08:29:10,680 INFO: Lock owner: patroni3; I am patroni3
2026-11-25 08:29:10,796 INFO: updated leader lock during promote
2026-11-25 08:29:10.806 UTC [16159] LOG:  archive recovery complete
2026-11-25 08:29:10.808 UTC [16157] LOG:  checkpoint starting: force
2026-11-25 08:29:10.832 UTC [16155] LOG:  database system is ready to accept connections
2026-11-25 08:29:11,933 INFO: no action. I am (patroni3), the leader with the lock
`;
const utc = (hms: string) => Date.parse(`2026-11-25T${hms}Z`); // this machine's local zone is UTC; Patroni's stamps are local
const patroniAt = (hms: string) => new Date(`2026-11-25T${hms}`).getTime();

describe('what a promoted member\'s log says', () => {
  const lines = parseMemberLog(PROMOTED);

  it('finds when Patroni took the lock and promoted, only after the given moment', () => {
    expect(patroniPromotion(lines)).toEqual({ t: patroniAt('08:29:10.679'), message: 'promoted self to leader by acquiring session lock' });
    expect(patroniPromotion(lines, patroniAt('08:29:10.680'))).toBeUndefined();
    expect(patroniPromotion(parseMemberLog(OLD_LEADER))).toBeUndefined();
    expect(patroniPromotion([])).toBeUndefined();
  });

  it('finds PostgreSQL\'s promotion: request, new timeline, end of recovery, ready', () => {
    expect(postgresPromotion(lines)).toEqual({
      requestedAt: utc('08:29:10.683'),
      timelineSelectedAt: utc('08:29:10.691'),
      newTimeline: 2,
      recoveryCompleteAt: utc('08:29:10.806'),
      readyAt: utc('08:29:10.832'),
    });
  });

  it('leaves out what is missing and finds nothing without "selected new timeline ID"', () => {
    const cut = parseMemberLog(PROMOTED.split('\n').filter((l) => !/received promote|ready to accept|archive recovery/.test(l)).join('\n'));
    expect(postgresPromotion(cut)).toEqual({ timelineSelectedAt: utc('08:29:10.691'), newTimeline: 2 });
    expect(postgresPromotion(parseMemberLog(PROMOTED.replace('selected new timeline ID: 2', 'selected new timeline ID: x')))).toBeUndefined();
    expect(postgresPromotion(parseMemberLog(PROMOTED.replace('selected new timeline ID: 2', 'selected new timeline ID: 1')))).toBeUndefined();
    expect(postgresPromotion(lines, utc('08:29:10.700'))).toBeUndefined();
    expect(postgresPromotion([])).toBeUndefined();
  });

  it('finds the last time a member said it held the lock, before a moment', () => {
    expect(lastLeaderLine(lines)).toBe(patroniAt('08:29:11.933'));
    expect(lastLeaderLine(lines, patroniAt('08:29:11.000'))).toBe(patroniAt('08:29:10.679'));
    expect(lastLeaderLine(lines, patroniAt('08:29:10.000'))).toBeUndefined();
    expect(lastLeaderLine(parseMemberLog(OLD_LEADER), patroniAt('08:04:00.000'))).toBe(patroniAt('08:03:37.317'));
  });
});

describe('timeline history files', () => {
  it('reads the switch point of each timeline, as PostgreSQL wrote it', () => {
    expect(parseTimelineHistory('1\t0/41514D8\tno recovery target specified\n')).toEqual([
      { parent: 1, switchPoint: 0x41514d8, switchLsn: '0/41514D8', reason: 'no recovery target specified' },
    ]);
    const three = parseTimelineHistory('# comment\n\n1\t0/41514D8\tno recovery target specified\n\n2\t1/A0000028\tno recovery target specified\n');
    expect(three.map((e) => [e.parent, e.switchPoint])).toEqual([[1, 0x41514d8], [2, 2 ** 32 + 0xa0000028]]);
    expect(parseTimelineHistory('')).toEqual([]);
  });

  it('throws on a malformed or backwards line, naming it', () => {
    expect(() => parseTimelineHistory('1\t0-41514D8\tx\n')).toThrow(/line 1 is malformed/);
    expect(() => parseTimelineHistory('one\t0/41514D8\n')).toThrow(/line 1 is malformed/);
    expect(() => parseTimelineHistory('1\t0/41514D8\tx\n1\t0/5000000\tx\n')).toThrow(/line 2 goes backwards/);
    expect(() => parseTimelineHistory('1\t0/5000000\tx\n2\t0/41514D8\tx\n')).toThrow(/line 2 goes backwards/);
  });

  it('names history files and reads LSNs like PostgreSQL', () => {
    expect(historyFileName(2)).toBe('00000002.history');
    expect(historyFileName(26)).toBe('0000001A.history');
    expect(parseLsn('0/41514D8')).toBe(0x41514d8);
    expect(parseLsn('1/0')).toBe(2 ** 32);
    expect(parseLsn('0/')).toBeUndefined();
    expect(parseLsn('G/1')).toBeUndefined();
  });
});

describe('etcd revisions of the leader key', () => {
  const kv = (modRevision: number, value: string) => ({ modRevision, value });
  it('turns reads at every revision into puts and deletes; lease keep-alives change nothing', () => {
    expect(keyChanges([
      { revision: 11, kv: null },
      { revision: 12, kv: kv(12, 'patroni1') },
      { revision: 13, kv: kv(12, 'patroni1') },
      { revision: 33, kv: null },
      { revision: 34, kv: kv(34, 'patroni3') },
      { revision: 35, kv: kv(34, 'patroni3') },
    ])).toEqual([
      { revision: 12, value: 'patroni1' },
      { revision: 33, value: null },
      { revision: 34, value: 'patroni3' },
    ]);
  });

  it('takes reads in any order, and an overwrite without a delete as a put', () => {
    expect(keyChanges([
      { revision: 6, kv: kv(6, 'b') },
      { revision: 5, kv: kv(5, 'a') },
    ])).toEqual([{ revision: 5, value: 'a' }, { revision: 6, value: 'b' }]);
    expect(keyChanges([])).toEqual([]);
    expect(keyChanges([{ revision: 1, kv: null }])).toEqual([]);
  });
});
