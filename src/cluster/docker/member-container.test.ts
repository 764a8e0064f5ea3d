import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_DIR } from './images.js';
import { PATRONI_PROCESS, PGBOUNCER_PROCESS, pidFromTop, signalPatroniArgv, START_PATRONI, START_PGBOUNCER, TOP_PS_ARGS, type TopResult } from './member-container.js';
import { PGBOUNCER_DIR } from './seeds-render.js';

/** `docker top c -eo pid,stat,comm` on a member as the Engine API answers it: tini, the entrypoint, Patroni, PostgreSQL (host PIDs). */
const TOP: TopResult = {
  Titles: ['PID', 'STAT', 'COMMAND'],
  Processes: [['40100', 'Ss', 'tini'], ['40131', 'S', 'patroni-entrypo'], ['40133', 'Sl', 'patroni'], ['40170', 'Ss', 'postgres'], ['40171', 'Ss', 'postgres']],
};
const withRows = (rows: string[][]): TopResult => ({ ...TOP, Processes: rows });

describe('Patroni under tini in a member container', () => {
  it('finds Patroni\'s host PID by its process name, not the container\'s PID 1', () => {
    expect(TOP_PS_ARGS).toBe('-eo pid,stat,comm');
    expect(pidFromTop(TOP, PATRONI_PROCESS)).toBe(40133);
    // Columns are found by their titles, not their places.
    expect(pidFromTop({ Titles: ['COMMAND', 'PID', 'STAT'], Processes: TOP.Processes.map(([p, s, c]) => [c as string, p as string, s as string]) }, PATRONI_PROCESS)).toBe(40133);
    expect(pidFromTop({ Titles: ['UID', 'PID', 'CMD'], Processes: TOP.Processes }, PATRONI_PROCESS)).toBeUndefined();
  });

  it('sees no Patroni when only PostgreSQL is left (the orphan) or Patroni is a zombie not yet reaped', () => {
    expect(pidFromTop(withRows(TOP.Processes.filter((r) => r[2] !== 'patroni')), PATRONI_PROCESS)).toBeUndefined();
    expect(pidFromTop(withRows(TOP.Processes.map((r) => (r[2] === 'patroni' ? [r[0] as string, 'Z', 'patroni'] : r))), PATRONI_PROCESS)).toBeUndefined();
    expect(pidFromTop(withRows([]), PATRONI_PROCESS)).toBeUndefined();
  });

  it('takes the oldest of two Patronis (one started beside a live one is the newer)', () => {
    expect(pidFromTop(withRows([...TOP.Processes, ['40090', 'Sl', 'patroni']]), PATRONI_PROCESS)).toBe(40090);
  });

  it('signals Patroni alone from inside, and starts it again detached as postgres with the entrypoint\'s command', () => {
    expect(signalPatroniArgv('SIGKILL')).toEqual(['pkill', '-KILL', '-x', 'patroni']);
    expect(signalPatroniArgv('SIGTERM')).toEqual(['pkill', '-TERM', '-x', 'patroni']);
    expect(START_PATRONI).toEqual({ argv: ['patroni-start'], user: 'postgres', detach: true });
  });
});

describe('PgBouncer beside Patroni (the seeds topology)', () => {
  it('is found by its name, a stopped one (SIGSTOP: state T) still running, a zombie not', () => {
    const rows = [...TOP.Processes, ['40140', 'S', 'pgbouncer']];
    expect(PGBOUNCER_PROCESS).toBe('pgbouncer');
    expect(pidFromTop(withRows(rows), PGBOUNCER_PROCESS)).toBe(40140);
    expect(pidFromTop(withRows(rows.map((r) => (r[2] === 'pgbouncer' ? ['40140', 'T', 'pgbouncer'] : r))), PGBOUNCER_PROCESS)).toBe(40140);
    expect(pidFromTop(withRows(rows.map((r) => (r[2] === 'pgbouncer' ? ['40140', 'Z', 'pgbouncer'] : r))), PGBOUNCER_PROCESS)).toBeUndefined();
  });

  it('starts again, detached as postgres, with the command line the entrypoint starts it with', () => {
    const entrypoint = readFileSync(join(COMPOSE_DIR, 'images', 'node', 'entrypoint.sh'), 'utf8');
    const started = entrypoint.split('\n').map((l) => l.trim()).find((l) => l.startsWith('pgbouncer /run/postgresql/pgbouncer/'));
    expect(started).toBe(`pgbouncer ${PGBOUNCER_DIR}/pgbouncer.ini >>/proc/1/fd/1 2>>/proc/1/fd/2 &`);
    expect(START_PGBOUNCER).toEqual({ argv: ['sh', '-c', `exec ${(started as string).replace(/ &$/, '')}`], user: 'postgres', detach: true });
  });
});
