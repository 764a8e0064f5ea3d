import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_DIR } from './images.js';
import { KEEPALIVED_CONF, KEEPALIVED_PID_FILES, KEEPALIVED_PROCESS, START_KEEPALIVED } from './haproxy-container.js';
import { pidsFromTop, pkillArgv, type TopResult } from './member-container.js';

/** `docker top c -eo pid,stat,comm` on a seeds HAProxy: HAProxy's master (PID 1) and worker, keepalived's parent and VRRP child. */
const TOP: TopResult = {
  Titles: ['PID', 'STAT', 'COMMAND'],
  Processes: [['51000', 'Ss', 'haproxy'], ['51020', 'Sl', 'haproxy'], ['51010', 'S', 'keepalived'], ['51012', 'S', 'keepalived']],
};

describe('keepalived beside HAProxy (the seeds topology)', () => {
  it('is every process named keepalived, the VRRP child with its parent, a zombie not (HAProxy reaps it late)', () => {
    expect(pidsFromTop(TOP, KEEPALIVED_PROCESS)).toEqual([51010, 51012]);
    expect(pidsFromTop({ ...TOP, Processes: TOP.Processes.map((r) => (r[0] === '51010' ? ['51010', 'Z', 'keepalived'] : r)) }, KEEPALIVED_PROCESS)).toEqual([51012]);
    expect(pidsFromTop({ ...TOP, Processes: TOP.Processes.filter((r) => r[2] !== 'keepalived') }, KEEPALIVED_PROCESS)).toEqual([]);
  });

  it('is killed by name from inside, every process of it', () => {
    expect(pkillArgv(KEEPALIVED_PROCESS, 'SIGKILL')).toEqual(['pkill', '-KILL', '-x', 'keepalived']);
  });

  it('starts again, detached as root, with the command line the entrypoint starts it with (the harness\'s config)', () => {
    const entrypoint = readFileSync(join(COMPOSE_DIR, 'images', 'haproxy', 'entrypoint.sh'), 'utf8');
    const started = entrypoint.split('\n').map((l) => l.trim()).find((l) => l.startsWith('keepalived ') && l.includes(KEEPALIVED_CONF));
    expect(started).toBe(`keepalived --dont-fork --log-console -f ${KEEPALIVED_CONF} &`);
    expect(START_KEEPALIVED.user).toBe('root');
    expect(START_KEEPALIVED.detach).toBe(true);
    expect(START_KEEPALIVED.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(START_KEEPALIVED.argv[2]).toContain(`; exec ${(started as string).replace(/ &$/, '')} >>/proc/1/fd/1 2>>/proc/1/fd/2`);
  });

  it('removes the same stale pid files as the entrypoint does before a container\'s keepalived starts', () => {
    const entrypoint = readFileSync(join(COMPOSE_DIR, 'images', 'haproxy', 'entrypoint.sh'), 'utf8');
    expect(entrypoint.split('\n')).toContain(`rm -f ${KEEPALIVED_PID_FILES}`);
    expect(START_KEEPALIVED.argv[2]).toMatch(new RegExp(`^rm -f ${KEEPALIVED_PID_FILES.replace(/[.*]/g, '\\$&')}; exec `));
  });
});
