/**
 * A Patroni member's container, whose PID 1 is tini (compose/images/node):
 * Patroni is a process inside it, so it can be signalled alone and started
 * again beside a PostgreSQL it left running (kill-patroni and its heal).
 * Etcd and HAProxy stay their containers' PID 1 (Container).
 */
import { errorMessage, HarnessError } from '../../errors.js';
import { pollUntil } from '../wait/poll.js';
import type { Component } from '../types.js';
import { Container, pkillSignalled } from './container.js';
import { engine, within } from './engine.js';
import { PGBOUNCER_DIR } from './seeds-render.js';

/** Patroni's process name: the script exec sets it to (`/usr/bin/patroni`), whoever started it. */
export const PATRONI_PROCESS = 'patroni';

/** `docker top`'s ps arguments that find a process by name with its host PID and state (a zombie is not running). */
export const TOP_PS_ARGS = '-eo pid,stat,comm';

/** `docker top`'s answer: the ps columns' titles and one row per process. */
export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/**
 * The host PID of the oldest live process named `name` in `docker top`'s
 * rows (PID, STAT, COMMAND, found by their titles), or undefined. Host PIDs,
 * not the container's: a restarted container numbers its processes from 1
 * again, so the same inner PID would hide a restart.
 */
export function pidFromTop(top: TopResult, name: string): number | undefined {
  const pids = pidsFromTop(top, name);
  return pids.length === 0 ? undefined : Math.min(...pids);
}

/** Every live process named `name` in `docker top`'s rows, by host PID (keepalived's parent and its VRRP child). */
export function pidsFromTop(top: TopResult, name: string): number[] {
  const col = (title: string) => top.Titles.findIndex((t) => t.trim().toUpperCase() === title);
  const [p, s, c] = [col('PID'), col('STAT'), col('COMMAND')];
  if (p < 0 || s < 0 || c < 0) return [];
  return top.Processes.flatMap((row) => {
    const [pid, stat, comm] = [row[p], row[s], row[c]];
    return comm?.trim() === name && stat !== undefined && !stat.startsWith('Z') && Number(pid) > 0 ? [Number(pid)] : [];
  });
}

/** `docker top` of a container; undefined when it is not running (no processes to list). */
export function topOf(c: Container): Promise<TopResult | undefined> {
  return within(30_000, (abortSignal) => engine(c.access).getContainer(c.name).top({ ps_args: TOP_PS_ARGS, abortSignal }) as Promise<TopResult>)
    .catch(() => undefined);
}

/** Signals the processes named exactly `name`, from inside (pkill exits 1 when nothing matched). */
export function pkillArgv(name: string, sig: NodeJS.Signals): string[] {
  return ['pkill', `-${sig.replace(/^SIG/, '')}`, '-x', name];
}

/** Signals Patroni alone, from inside. */
export function signalPatroniArgv(sig: NodeJS.Signals): string[] {
  return pkillArgv(PATRONI_PROCESS, sig);
}

/**
 * Starts Patroni again inside a running container, detached, as the
 * entrypoint does: as postgres, with the container's environment and the
 * config the entrypoint chose (patroni-start), its output in docker logs.
 */
export const START_PATRONI = { argv: ['patroni-start'], user: 'postgres', detach: true } as const;

/** PgBouncer's process name in the seeds topology (entrypoint.sh starts it beside Patroni). */
export const PGBOUNCER_PROCESS = 'pgbouncer';

/**
 * Starts PgBouncer again as the entrypoint did (same ini, same user, its
 * output in docker logs), detached: nothing in the container restarts it.
 */
export const START_PGBOUNCER = {
  argv: ['sh', '-c', `exec ${PGBOUNCER_PROCESS} ${PGBOUNCER_DIR}/pgbouncer.ini >>/proc/1/fd/1 2>>/proc/1/fd/2`], user: 'postgres', detach: true,
} as const;

/** How long a Patroni started by a detached exec may take to show as a process. */
export const START_MS = 15_000;

export class MemberContainer extends Container {
  /** Patroni's host PID: its process inside the container, no longer the container's PID 1. */
  override async pid(component: Component): Promise<number | undefined> {
    if (component !== 'patroni') return super.pid(component);
    return this.#hostPid(PATRONI_PROCESS);
  }

  async #hostPid(name: string): Promise<number | undefined> {
    const top = await topOf(this);
    return top === undefined ? undefined : pidFromTop(top, name);
  }

  /** PgBouncer's host PID (the seeds topology); undefined when none runs. */
  poolerPid(): Promise<number | undefined> {
    return this.#hostPid(PGBOUNCER_PROCESS);
  }

  /** Signals PgBouncer from inside; false when none was running. */
  async signalPooler(sig: NodeJS.Signals): Promise<boolean> {
    return pkillSignalled(this.name, `pgbouncer ${sig}`, await this.exec(pkillArgv(PGBOUNCER_PROCESS, sig), { user: 'root', timeoutMs: 30_000 }));
  }

  /** Starts PgBouncer again inside the running container; returns once its process is seen. */
  async startPooler(): Promise<void> {
    const started = await this.exec(START_PGBOUNCER.argv, { user: START_PGBOUNCER.user, detach: START_PGBOUNCER.detach, timeoutMs: 30_000 });
    if (started.code !== 0) throw new HarnessError('FAULT_FAILED', `${this.name}: starting PgBouncer again failed: ${started.stderr}`);
    await pollUntil(async () => ((await this.poolerPid()) === undefined ? 'no pgbouncer process yet' : true), { timeoutMs: START_MS, intervalMs: 200, what: `PgBouncer started again in ${this.name}` })
      .catch((err: unknown) => { throw new HarnessError('FAULT_FAILED', `${this.name}: ${errorMessage(err)}`, { cause: err }); });
  }

  /** Patroni alone; PostgreSQL's processes as Container signals them. */
  override async signal(component: Component, sig: NodeJS.Signals): Promise<boolean> {
    if (component !== 'patroni') return super.signal(component, sig);
    return pkillSignalled(this.name, `patroni ${sig}`, await this.exec(signalPatroniArgv(sig), { user: 'root', timeoutMs: 30_000 }));
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
    const started = await this.exec(START_PATRONI.argv, { user: START_PATRONI.user, detach: START_PATRONI.detach, timeoutMs: 30_000 });
    if (started.code !== 0) throw new HarnessError('FAULT_FAILED', `${this.name}: starting Patroni again failed: ${started.stderr}`);
    await pollUntil(async () => ((await this.pid('patroni')) === undefined ? 'no patroni process yet' : true), { timeoutMs: START_MS, intervalMs: 200, what: `Patroni started again in ${this.name}` })
      .catch((err: unknown) => { throw new HarnessError('FAULT_FAILED', `${this.name}: ${errorMessage(err)}`, { cause: err }); });
  }
}
