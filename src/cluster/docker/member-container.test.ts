import { describe, expect, it } from 'vitest';
import { PATRONI_PROCESS, pidFromTop, signalPatroniArgv, startPatroniArgs, topArgs } from './member-container.js';

/** `docker top c -eo pid,stat,comm` on a member: tini, the entrypoint, Patroni, PostgreSQL (host PIDs). */
const TOP = `PID                 STAT                COMMAND
40100               Ss                  tini
40131               S                   patroni-entrypo
40133               Sl                  patroni
40170               Ss                  postgres
40171               Ss                  postgres
`;

describe('Patroni under tini in a member container', () => {
  it('finds Patroni\'s host PID by its process name, not the container\'s PID 1', () => {
    expect(topArgs('pc-run-patroni1')).toEqual(['top', 'pc-run-patroni1', '-eo', 'pid,stat,comm']);
    expect(pidFromTop(TOP, PATRONI_PROCESS)).toBe(40133);
  });

  it('sees no Patroni when only PostgreSQL is left (the orphan) or Patroni is a zombie not yet reaped', () => {
    const orphan = TOP.split('\n').filter((l) => !/\spatroni$/.test(l)).join('\n');
    expect(pidFromTop(orphan, PATRONI_PROCESS)).toBeUndefined();
    expect(pidFromTop(TOP.replace('40133               Sl ', '40133               Z  '), PATRONI_PROCESS)).toBeUndefined();
    expect(pidFromTop('', PATRONI_PROCESS)).toBeUndefined();
  });

  it('takes the oldest of two Patronis (one started beside a live one is the newer)', () => {
    expect(pidFromTop(`${TOP}40090               Sl                  patroni\n`, PATRONI_PROCESS)).toBe(40090);
  });

  it('signals Patroni alone from inside, and starts it again detached as postgres with the entrypoint\'s command', () => {
    expect(signalPatroniArgv('SIGKILL')).toEqual(['pkill', '-KILL', '-x', 'patroni']);
    expect(signalPatroniArgv('SIGTERM')).toEqual(['pkill', '-TERM', '-x', 'patroni']);
    expect(startPatroniArgs('pc-run-patroni1')).toEqual(['exec', '-d', '-u', 'postgres', 'pc-run-patroni1', 'patroni-start']);
  });
});
