/**
 * One container as a host the faults act on, through the Engine API
 * (engine.ts): the docker provider's own containers, and the named
 * containers of a cluster the external provider attaches to (on this
 * daemon or a remote one).
 */
import { HarnessError } from '../../errors.js';
import type { Component } from '../types.js';
import { containerLogs, engine, engineMessage, engineOk, execIn, statusOf, TIMED_OUT, within, type DockerAccess, type DockerResult, type ExecOptions } from './engine.js';

export type { DockerAccess } from './engine.js';

/** WAL streaming processes, by their process titles. */
const REPLICATION_TITLE = 'postgres: .*(walsender|walreceiver)';

export class Container {
  constructor(readonly name: string, readonly access: DockerAccess = {}) {}

  /** A call on this container that must succeed; `what` names it as the docker command would. */
  protected call<T>(what: string, ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return engineOk(`${what} ${this.name}`, ms, call, this.access);
  }

  private get handle() {
    return engine(this.access).getContainer(this.name);
  }

  private inspect(): Promise<import('dockerode').ContainerInspectInfo> {
    return this.call('inspect', 30_000, (abortSignal) => this.handle.inspect({ abortSignal }));
  }

  /** The daemon's state: running, paused, exited... */
  async state(): Promise<string> {
    return (await this.inspect()).State.Status;
  }

  /** A signal to the container's PID 1 (tini in a member's: it forwards it); SIGKILL ends every process of it at once, as a host losing power. */
  async kill(signal = 'KILL'): Promise<void> {
    await this.call(`kill --signal ${signal}`, 30_000, (abortSignal) => this.handle.kill({ signal, abortSignal }));
  }

  /** Freezes every process of the container (cgroup freezer): no exit, no FIN, no RST. */
  async pause(): Promise<void> {
    await this.call('pause', 30_000, (abortSignal) => this.handle.pause({ abortSignal }));
  }

  async unpause(): Promise<void> {
    await this.call('unpause', 30_000, (abortSignal) => this.handle.unpause({ abortSignal }));
  }

  /**
   * A graceful restart of a running container (SIGTERM to its PID 1: Patroni stops PostgreSQL
   * and hands over the lock; SIGKILL after 30 s), or a start of a killed one. Address and data are kept.
   */
  async restart(): Promise<void> {
    const state = await this.state();
    if (state === 'paused') await this.unpause();
    if (state === 'running' || state === 'paused') await this.call('restart -t 30', 120_000, (abortSignal) => this.handle.restart({ t: 30, abortSignal }));
    else await this.start();
  }

  /** Starts a stopped container; one already running (304) is what was asked, as `docker start` says. */
  async start(): Promise<void> {
    await this.call('start', 60_000, async (abortSignal) => {
      try {
        await this.handle.start({ abortSignal });
      } catch (err) {
        if (statusOf(err) !== 304) throw err;
      }
    });
  }

  /** Runs argv inside the container; a non-zero exit is a result, not an error (engine.ts: execIn). */
  exec(argv: readonly string[], o: ExecOptions = {}): Promise<DockerResult> {
    return execIn(this.name, argv, o, this.access);
  }

  /** iptables as root inside the container's own network namespace (the container needs NET_ADMIN). */
  iptables(args: string[]): Promise<DockerResult> {
    return this.exec(['iptables', '-w', '5', ...args], { user: 'root', timeoutMs: 30_000 });
  }

  /** The container's addresses on its networks. */
  async ips(): Promise<string[]> {
    return Object.values((await this.inspect()).NetworkSettings.Networks).map((n) => n.IPAddress).filter((s) => s !== '');
  }

  /** The container's output (since an ISO time, or all of it), stdout and stderr merged in time order. */
  async timestampedLogs(since?: string): Promise<string> {
    const r = await containerLogs(this.name, { timestamps: true, timeoutMs: 20_000, ...(since === undefined ? {} : { since }) }, this.access);
    // The daemon keeps stdout apart from stderr; the timestamps put them back in order.
    return interleave(r.stdout, r.stderr);
  }

  /** The output's last lines, for a message: what the daemon said instead when it refuses. */
  async logs(tail = 200): Promise<string> {
    try {
      const r = await containerLogs(this.name, { tail }, this.access);
      return `${r.stdout}${r.stderr}`;
    } catch (err) {
      return engineMessage((err as { cause?: unknown }).cause ?? err, this.access);
    }
  }

  /** docker's record of the container's CPU cap (`docker update --cpus`): 0 when it has none. */
  async nanoCpus(): Promise<number> {
    return (await this.inspect()).HostConfig.NanoCpus ?? 0;
  }

  /** Caps the container's CPU (`docker update --cpus`). */
  async setCpus(cpus: number): Promise<void> {
    await this.call(`update --cpus ${cpus}`, 30_000, (abortSignal) => this.handle.update({ NanoCpus: Math.round(cpus * 1e9), abortSignal }));
  }

  /** The CPUs of the daemon's host (`docker info`'s NCPU). */
  async daemonCpus(): Promise<number> {
    return (await engineOk('info', 30_000, () => engine(this.access).info() as Promise<{ NCPU?: number }>, this.access)).NCPU ?? 0;
  }

  /**
   * Signals a component: Patroni (but under tini: MemberContainer) and etcd are their containers' PID 1, so signalling them is
   * signalling the container; PostgreSQL's processes are signalled from inside (pkill exits 1
   * on no match). False when nothing was running to receive it.
   */
  async signal(component: Component, sig: NodeJS.Signals): Promise<boolean> {
    const short = sig.replace(/^SIG/, '');
    if (component === 'patroni' || component === 'etcd') {
      if ((await this.state()) !== 'running') return false;
      await this.kill(short);
      return true;
    }
    const match = component === 'postgres' ? ['-x', 'postgres'] : ['-f', REPLICATION_TITLE];
    return pkillSignalled(this.name, `${component} ${sig}`, await this.exec(['pkill', `-${short}`, ...match], { user: 'root', timeoutMs: 30_000 }));
  }

  /** PID of a component: the container's PID 1 on the host for Patroni and etcd, PostgreSQL's inside it. */
  async pid(component: Component): Promise<number | undefined> {
    if (component === 'patroni' || component === 'etcd') {
      const pid = (await this.inspect()).State.Pid;
      return pid > 0 ? pid : undefined;
    }
    const r = await this.exec(['pgrep', '-o', ...(component === 'postgres' ? ['-x', 'postgres'] : ['-f', REPLICATION_TITLE])], { timeoutMs: 30_000 });
    const pid = Number(r.stdout.trim().split('\n')[0]);
    return r.code === 0 && pid > 0 ? pid : undefined;
  }

  /** Fails with what the daemon said when the container does not exist (a typo in a cluster file). */
  async require(): Promise<void> {
    try {
      await within(30_000, (abortSignal) => this.handle.inspect({ abortSignal }));
    } catch (err) {
      throw new HarnessError('NOT_FOUND', `container ${this.name}${this.access.host ? ` on ${this.access.host}` : ''}: ${engineMessage(err, this.access)}`, { cause: err });
    }
  }
}

/**
 * What a pkill run in a container says: true when it signalled a process,
 * false when none matched (exit 1) or the container is not running (no
 * process is left in it). Throws when that is not known: the command never
 * ran in a paused container (its processes are all still there, frozen),
 * the daemon refused it or was not reached, its end was lost, it timed out,
 * or pkill itself failed (2, 3): a caller must not read "nothing to signal"
 * into a command that looked at nothing (pause-replication's cure would say
 * nothing is left stopped while the WAL processes stay stopped).
 */
export function pkillSignalled(container: string, what: string, r: DockerResult): boolean {
  if (r.noExit === 'gone') return false;
  if (r.noExit === undefined && (r.code === 0 || r.code === 1)) return r.code === 0;
  const why = r.noExit === undefined ? (r.code === TIMED_OUT ? 'it timed out' : `pkill exited ${r.code}`) : r.noExit === 'lost' ? 'its exit code was lost' : r.noExit === 'paused' ? 'the container is paused' : 'the daemon did not run it';
  const said = r.stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-1)[0];
  throw new HarnessError('FAULT_FAILED', `${container}: ${what}: whether any process got it is unknown (${why})${said === undefined ? '' : `: ${said}`}`);
}

/** Merges two timestamped log streams (`docker logs --timestamps`) into one, in time order (a stable sort keeps each stream's order). */
function interleave(stdout: string, stderr: string): string {
  const lines = [...stdout.split('\n'), ...stderr.split('\n')].filter((l) => l !== '');
  return lines.map((l, i) => ({ l, i, t: l.slice(0, 30) })).sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.i - b.i)).map((x) => x.l).join('\n') + '\n';
}
