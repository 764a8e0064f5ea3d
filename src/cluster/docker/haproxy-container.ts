/**
 * One HAProxy container of the seeds topology's VIP pair: HAProxy is its
 * PID 1 (so a killed HAProxy ends the container), keepalived a process
 * beside it that entrypoint.sh started once (compose/images/haproxy). So
 * keepalived can be killed alone, and nothing in the container restarts it.
 */
import { errorMessage, HarnessError } from '../../errors.js';
import { pollUntil } from '../wait/poll.js';
import { Container, pkillSignalled } from './container.js';
import { pkillArgv, pidsFromTop, START_MS, topOf } from './member-container.js';

/** keepalived's process name, the parent's and its VRRP child's alike (no `process_names` in keepalivedConf). */
export const KEEPALIVED_PROCESS = 'keepalived';

/** Where entrypoint.sh writes the harness's KEEPALIVED_CONFIG_B64. */
export const KEEPALIVED_CONF = '/etc/keepalived/generated.conf';

/**
 * The pid files a SIGKILLed keepalived leaves behind: keepalived refuses to
 * start when one names a live process, and a PID reused since would be one.
 * entrypoint.sh removes the same ones (a docker start after a docker kill).
 */
export const KEEPALIVED_PID_FILES = '/run/keepalived.pid /run/vrrp.pid /run/checkers.pid /run/bfd.pid /run/keepalived/*.pid';

/**
 * Starts keepalived again as entrypoint.sh does (same flags, same config,
 * as root for the VIP's address, its output in docker logs), detached, its
 * stale pid files removed first.
 */
export const START_KEEPALIVED = {
  argv: ['sh', '-c', `rm -f ${KEEPALIVED_PID_FILES}; exec ${KEEPALIVED_PROCESS} --dont-fork --log-console -f ${KEEPALIVED_CONF} >>/proc/1/fd/1 2>>/proc/1/fd/2`],
  user: 'root', detach: true,
} as const;

export class HaproxyContainer extends Container {
  /** The host PIDs of every live keepalived process; empty when none runs (or the container does not). */
  async keepalivedPids(): Promise<number[]> {
    const top = await topOf(this);
    return top === undefined ? [] : pidsFromTop(top, KEEPALIVED_PROCESS);
  }

  /** Signals every keepalived process from inside; false when none was running. */
  async signalKeepalived(sig: NodeJS.Signals): Promise<boolean> {
    return pkillSignalled(this.name, `keepalived ${sig}`, await this.exec(pkillArgv(KEEPALIVED_PROCESS, sig), { user: 'root', timeoutMs: 30_000 }));
  }

  /** Starts keepalived again inside the running container; returns once its process is seen. */
  async startKeepalived(): Promise<void> {
    const started = await this.exec(START_KEEPALIVED.argv, { user: START_KEEPALIVED.user, detach: START_KEEPALIVED.detach, timeoutMs: 30_000 });
    if (started.code !== 0) throw new HarnessError('FAULT_FAILED', `${this.name}: starting keepalived again failed: ${started.stderr}`);
    await pollUntil(async () => ((await this.keepalivedPids()).length === 0 ? 'no keepalived process yet' : true), { timeoutMs: START_MS, intervalMs: 200, what: `keepalived started again in ${this.name}` })
      .catch((err: unknown) => { throw new HarnessError('FAULT_FAILED', `${this.name}: ${errorMessage(err)}`, { cause: err }); });
  }
}
