/**
 * Ctrl-C, SIGTERM and crashes stop every cluster this process started
 * before it exits: nothing is left running. A second Ctrl-C while stopping
 * exits at once; the next start's reaper takes what remains.
 */
import { liveClusters } from '../cluster/live.js';

let stopping = false;
/** Exit code after a stop requested by a signal: an interrupted run could not run (3); `cluster up` sets 0. */
let signalExitCode = 3;

export function setSignalExitCode(code: number): void {
  signalExitCode = code;
}

/** Once a stop was asked for, no run may start another cluster (run --parallel's pool checks it before each run). */
export function stopRequested(): boolean {
  return stopping;
}

/** Stops every cluster in flight, and any run from starting one after. */
export async function stopEverything(): Promise<void> {
  stopping = true;
  liveClusters.close();
  await Promise.allSettled([...liveClusters].map((c) => c.stop()));
}

function exitAfterStop(code: number, why: string): void {
  if (stopping) {
    process.stderr.write(`patroni-chaos: ${why} again, exiting now\n`);
    process.exit(code);
  }
  process.stderr.write(`patroni-chaos: ${why}: stopping the cluster${liveClusters.size > 1 ? `s (${liveClusters.size})` : ''}...\n`);
  void stopEverything().finally(() => process.exit(code));
}

export function installShutdownHandlers(): void {
  process.on('SIGINT', () => exitAfterStop(signalExitCode, 'interrupted'));
  process.on('SIGTERM', () => exitAfterStop(signalExitCode, 'terminated'));
  process.on('SIGHUP', () => exitAfterStop(signalExitCode, 'hang-up'));
  process.on('uncaughtException', (err) => {
    process.stderr.write(`patroni-chaos: internal error: ${err.stack ?? err.message}\n`);
    exitAfterStop(3, 'crashed');
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`patroni-chaos: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    exitAfterStop(3, 'crashed');
  });
}
