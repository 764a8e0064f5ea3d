/**
 * Ctrl-C, SIGTERM and crashes stop every cluster this process started
 * before it exits: nothing is left running. A second Ctrl-C, or a crash
 * while stopping (the stop's own log collection once crashed again), skips
 * the rest of the stop and only sweeps what the runs made (each provider's
 * sweep), then exits; a third Ctrl-C exits at once, and the next start's
 * reaper takes what remains.
 */
import { liveClusters, stopAndSweep } from '../cluster/live.js';
import { errorMessage } from '../errors.js';

/** Stopping: the whole stop of every cluster; sweeping: the providers' sweeps alone, after a second signal or a crash. */
let phase: 'running' | 'stopping' | 'sweeping' = 'running';
/** Exit code after a stop requested by a signal: an interrupted run could not run (3); `cluster up` sets 0. */
let signalExitCode = 3;
/** A crash makes the exit 3 whatever a signal asked for. */
let crashed = false;

export function setSignalExitCode(code: number): void {
  signalExitCode = code;
}

/** Once a stop was asked for, no run may start another cluster (run --parallel's pool checks it before each run). */
export function stopRequested(): boolean {
  return phase !== 'running';
}

const say = (line: string) => process.stderr.write(`patroni-chaos: ${line}\n`);

/** Stops every cluster in flight, each ending with its provider's sweep even when its stop threw; and any run from starting one after. */
export async function stopEverything(): Promise<void> {
  if (phase === 'running') phase = 'stopping';
  liveClusters.close();
  const stops = await Promise.allSettled([...liveClusters].map((c) => stopAndSweep(c)));
  for (const s of stops) if (s.status === 'rejected') say(`stopping a cluster: ${errorMessage(s.reason)}`);
}

/** The providers' sweeps alone, of every cluster still registered: what a stop that crashed or hangs would have ended with. */
export async function sweepEverything(): Promise<void> {
  phase = 'sweeping';
  liveClusters.close();
  const sweeps = await Promise.allSettled([...liveClusters].map((c) => c.sweep()));
  for (const s of sweeps) if (s.status === 'rejected') say(`removing what a run made: ${errorMessage(s.reason)}`);
}

/** What the CLI does once its command returned: a cluster still registered (its stop threw) is stopped and swept, then the process exits. */
export async function exitWhenStopped(code: number): Promise<never> {
  if (liveClusters.size > 0) await stopEverything();
  return process.exit(code);
}

/** A signal (`crash` false) or a crash asks the process to stop: see the module's comment for the escalation. */
export function exitAfterStop(why: string, crash: boolean): void {
  crashed ||= crash;
  const code = () => (crashed ? 3 : signalExitCode);
  if (phase === 'running') {
    say(`${why}: stopping the cluster${liveClusters.size > 1 ? `s (${liveClusters.size})` : ''}...`);
    void stopEverything().finally(() => process.exit(code()));
  } else if (phase === 'stopping') {
    say(`${why} while stopping: removing what the runs made, without the rest of the stop...`);
    void sweepEverything().finally(() => process.exit(code()));
  } else if (!crash) {
    say(`${why} again, exiting now`);
    process.exit(code());
  }
  // A crash while sweeping (another container's log collection, say) was said; the sweep goes on to its end.
}

export function installShutdownHandlers(): void {
  process.on('SIGINT', () => exitAfterStop('interrupted', false));
  process.on('SIGTERM', () => exitAfterStop('terminated', false));
  process.on('SIGHUP', () => exitAfterStop('hang-up', false));
  process.on('uncaughtException', (err) => {
    say(`internal error: ${err.stack ?? err.message}`);
    exitAfterStop('crashed', true);
  });
  process.on('unhandledRejection', (err) => {
    say(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    exitAfterStop('crashed', true);
  });
}
