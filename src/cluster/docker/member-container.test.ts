import { describe, expect, it } from 'vitest';
import { PATRONI_PROCESS, pidFromTop, signalPatroniArgv, START_PATRONI, TOP_PS_ARGS, type TopResult } from './member-container.js';

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
