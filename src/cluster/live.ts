import { errorMessage, HarnessError } from '../errors.js';
import type { StartedCluster } from './types.js';

type Live = Pick<StartedCluster, 'stop' | 'sweep'>;

/**
 * Once closed (a stop of everything began: Ctrl-C, SIGTERM, a crash), a
 * cluster that registers is refused: the stop already took its list and
 * would not see it, and process.exit would leave it running. Providers
 * register before they make anything, so a refused start made nothing.
 */
class LiveClusters extends Set<Live> {
  #closed = false;
  get closed(): boolean {
    return this.#closed;
  }
  close(): void {
    this.#closed = true;
  }
  override add(c: Live): this {
    if (this.#closed) throw new HarnessError('INTERRUPTED', 'the harness is stopping: no cluster starts now');
    return super.add(c);
  }
}

/**
 * Every cluster this process has started and not yet stopped, whatever its
 * provider: what Ctrl-C, SIGTERM and a crash stop before the process exits.
 * A provider adds a cluster before it makes anything of it and removes it when it stops.
 */
export const liveClusters = new LiveClusters();

/**
 * Stops a cluster, and when its stop throws, sweeps it before throwing the
 * stop's error: whatever part of the stop failed (log collection, a report,
 * a heal), nothing of the run is left running, and the failure is still the
 * caller's to report. A sweep that fails too is said on stderr.
 */
export async function stopAndSweep(c: Live): Promise<void> {
  try {
    await c.stop();
  } catch (err) {
    await c.sweep().catch((e: unknown) => { process.stderr.write(`patroni-chaos: removing what the run made after its stop failed: ${errorMessage(e)}\n`); });
    throw err;
  }
}

/**
 * Runs the parts of a stop in order, each one even when a part before it
 * threw (the last is the sweep), then throws the first error; a later one
 * is said on stderr, so that no failure goes unreported.
 */
export async function stopInOrder(what: string, parts: ReadonlyArray<() => Promise<unknown>>): Promise<void> {
  const errors: unknown[] = [];
  for (const part of parts) {
    try {
      await part();
    } catch (err) {
      errors.push(err);
    }
  }
  for (const e of errors.slice(1)) process.stderr.write(`patroni-chaos: ${what}: ${errorMessage(e)}\n`);
  if (errors.length > 0) throw errors[0];
}

/**
 * `cluster down` over a provider's runs: each run is tried even when one
 * before it could not be stopped (the rest are not left running for it);
 * one line per run, and when one failed, every line in the error thrown.
 */
export async function downEach<T>(runs: readonly T[], name: (run: T) => string, down: (run: T) => Promise<string>): Promise<string[]> {
  const lines: string[] = [];
  let failed = false;
  for (const r of runs) {
    try {
      lines.push(await down(r));
    } catch (err) {
      failed = true;
      lines.push(`could not stop ${name(r)}: ${errorMessage(err)}`);
    }
  }
  if (failed) throw new HarnessError('INTERNAL', lines.join('\n'));
  return lines;
}
