/**
 * A Patroni member's container, whose PID 1 is tini (compose/images/node):
 * Patroni is a process inside it, so it can be signalled alone and started
 * again beside a PostgreSQL it left running (kill-patroni and its heal).
 * Etcd and HAProxy stay their containers' PID 1 (Container).
 */
import { errorMessage, HarnessError } from '../../errors.js';
import { pollUntil } from '../wait/poll.js';
import type { Component } from '../types.js';
import { Container } from './container.js';

/** Patroni's process name: the script exec sets it to (`/usr/bin/patroni`), whoever started it. */
export const PATRONI_PROCESS = 'patroni';

/** `docker top` columns that find a process by name with its host PID and state (a zombie is not running). */
export function topArgs(container: string): string[] {
  return ['top', container, '-eo', 'pid,stat,comm'];
}

/**
 * The host PID of the oldest live process named `name` in `docker top`'s
 * output (PID, STAT, COMMAND), or undefined. Host PIDs, not the container's:
 * a restarted container numbers its processes from 1 again, so the same
 * inner PID would hide a restart.
 */
export function pidFromTop(out: string, name: string): number | undefined {
  const pids = out.split('\n').slice(1).flatMap((line) => {
    const [pid, stat, comm] = line.trim().split(/\s+/);
    return comm === name && stat !== undefined && !stat.startsWith('Z') && Number(pid) > 0 ? [Number(pid)] : [];
  });
  return pids.length === 0 ? undefined : Math.min(...pids);
}

/** Signals Patroni alone, from inside (pkill exits 1 when nothing matched). */
export function signalPatroniArgv(sig: NodeJS.Signals): string[] {
  return ['pkill', `-${sig.replace(/^SIG/, '')}`, '-x', PATRONI_PROCESS];
}

/**
 * Starts Patroni again inside a running container, detached, as the
 * entrypoint does: as postgres, with the container's environment and the
 * config the entrypoint chose (patroni-start), its output in docker logs.
 */
export function startPatroniArgs(container: string): string[] {
  return ['exec', '-d', '-u', 'postgres', container, 'patroni-start'];
}

/** How long a Patroni started by `docker exec -d` may take to show as a process. */
const START_MS = 15_000;

export class MemberContainer extends Container {
  /** Patroni's host PID: its process inside the container, no longer the container's PID 1. */
  override async pid(component: Component): Promise<number | undefined> {
    if (component !== 'patroni') return super.pid(component);
    const r = await this.run(topArgs(this.name));
    return r.code === 0 ? pidFromTop(r.stdout, PATRONI_PROCESS) : undefined; // not running: no processes to list
  }

  /** Patroni alone; PostgreSQL's processes as Container signals them. */
  override async signal(component: Component, sig: NodeJS.Signals): Promise<boolean> {
    if (component !== 'patroni') return super.signal(component, sig);
    return (await this.exec(signalPatroniArgv(sig), { user: 'root', timeoutMs: 30_000 })).code === 0;
  }

  /**
   * Starts Patroni again: inside the running container when only Patroni
   * died (it must adopt the PostgreSQL still running there), else as
   * Container.restart does (a graceful restart of a live member, a start of
   * a stopped one). Returns once a Patroni process is seen.
   */
  async restartPatroni(): Promise<void> {
    if ((await this.state()) !== 'running' || (await this.pid('patroni')) !== undefined) {
      await this.restart();
      return;
    }
    await this.ok(startPatroniArgs(this.name));
    await pollUntil(async () => ((await this.pid('patroni')) === undefined ? 'no patroni process yet' : true), { timeoutMs: START_MS, intervalMs: 200, what: `Patroni started again in ${this.name}` })
      .catch((err: unknown) => { throw new HarnessError('FAULT_FAILED', `${this.name}: ${errorMessage(err)}`, { cause: err }); });
  }
}
