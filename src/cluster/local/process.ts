import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A component process in its own process group, output appended to its log.
 * Stopping is SIGTERM to the group, then SIGKILL after a delay (execa's
 * model); killing outright is the fault's business, not this class's.
 */
export class ManagedProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  #exit: ExitInfo | undefined;

  private constructor(readonly spec: ProcessSpec, pid: number, exited: Promise<ExitInfo>) {
    this.pid = pid;
    this.exited = exited.then((e) => (this.#exit = e));
  }

  static start(spec: ProcessSpec): ManagedProcess {
    const fd = openSync(spec.logFile, 'a');
    try {
      const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        detached: true,
        stdio: ['ignore', fd, fd],
        ...(spec.uid === undefined ? {} : { uid: spec.uid }),
        ...(spec.gid === undefined ? {} : { gid: spec.gid }),
      });
      const exited = new Promise<ExitInfo>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        child.once('error', () => resolve({ code: null, signal: null }));
      });
      // The harness must not stay alive for a child it no longer waits on.
      child.unref();
      if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
      return new ManagedProcess(spec, child.pid, exited);
    } finally {
      closeSync(fd);
    }
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  get exitInfo(): ExitInfo | undefined {
    return this.#exit;
  }

  /** Signals the whole process group; false when it is already gone. */
  signal(sig: NodeJS.Signals): boolean {
    return signalGroup(this.pid, sig);
  }

  async stop(graceMs = 10_000): Promise<ExitInfo> {
    if (!this.running) return this.#exit as ExitInfo;
    this.signal(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    // The child is unref'd; this interval keeps the event loop alive until its exit is seen.
    const keepAlive = setInterval(() => undefined, 1000);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
    try {
      if ((await Promise.race([this.exited, timeout])) === 'timeout') this.signal('SIGKILL');
      return await this.exited;
    } finally {
      clearTimeout(timer);
      clearInterval(keepAlive);
    }
  }
}

/** kill(-pgid); ESRCH means already gone, which is what a stop wants. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
