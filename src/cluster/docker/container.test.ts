import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../types.js';
import { Container } from './container.js';
import { TIMED_OUT } from './engine.js';
import { MemberContainer } from './member-container.js';

/** The container's pkill answered as given, without a daemon. */
function answering<C extends typeof Container>(Base: C, r: CommandResult): Container {
  const c = new Base('m2');
  c.exec = async () => r;
  return c;
}

const ran = (code: number): CommandResult => ({ code, stdout: '', stderr: '' });
const PAUSED: CommandResult = { code: 1, stdout: '', stderr: 'Error response from daemon: Container m2 is paused, unpause the container before exec', noExit: 'paused' };

describe('Container.signal of the processes inside (pkill)', () => {
  it('is true when pkill signalled one, false when none matched or the container is not running (nothing left in it)', async () => {
    expect(await answering(Container, ran(0)).signal('replication', 'SIGCONT')).toBe(true);
    expect(await answering(Container, ran(1)).signal('replication', 'SIGCONT')).toBe(false);
    expect(await answering(Container, { code: 1, stdout: '', stderr: 'Error response from daemon: container m2 is not running', noExit: 'gone' }).signal('postgres', 'SIGKILL')).toBe(false);
  });

  // pause-replication's cure reads false as "no WAL process left stopped": in a paused container they are all still there.
  it('throws when pkill never ran (a paused container, a daemon not reached) or its end is not known, whatever the exit code says', async () => {
    await expect(answering(Container, PAUSED).signal('replication', 'SIGCONT')).rejects.toThrow(/m2: replication SIGCONT: whether any process got it is unknown \(the container is paused\): Error response from daemon: Container m2 is paused/);
    await expect(answering(Container, { code: 1, stdout: '', stderr: 'connect ECONNREFUSED /var/run/docker.sock', noExit: 'not-run' }).signal('replication', 'SIGCONT')).rejects.toThrow(/the daemon did not run it/);
    await expect(answering(Container, { code: 1, stdout: '', stderr: 'socket hang up', noExit: 'lost' }).signal('postgres', 'SIGSTOP')).rejects.toThrow(/its exit code was lost/);
    await expect(answering(Container, { code: TIMED_OUT, stdout: '', stderr: '(timed out after 30000 ms)' }).signal('replication', 'SIGCONT')).rejects.toThrow(/it timed out/);
    await expect(answering(Container, ran(2)).signal('replication', 'SIGCONT')).rejects.toThrow(/pkill exited 2/);
  });

  it('holds a member container\'s Patroni to the same', async () => {
    expect(await answering(MemberContainer, ran(1)).signal('patroni', 'SIGKILL')).toBe(false);
    await expect(answering(MemberContainer, PAUSED).signal('patroni', 'SIGCONT')).rejects.toThrow(/m2: patroni SIGCONT: whether any process got it is unknown \(the container is paused\)/);
  });
});
