import { HarnessError } from '../../errors.js';

/** A readiness check: true when ready, else the reason it is not (shown if the wait times out). */
export type Probe = () => Promise<true | string>;

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What is awaited, for the error: "cluster healthy (1 leader, 2 streaming replicas)". */
  what: string;
  signal?: AbortSignal;
  /** Extra context appended to a timeout error, e.g. the failing component's log tail. */
  onTimeout?: (lastReason: string) => Promise<string> | string;
}

/** Polls until the probe says ready; a timeout names the condition and the last reason seen. */
export async function pollUntil(probe: Probe, o: PollOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let last = 'not checked yet';
  for (;;) {
    o.signal?.throwIfAborted();
    try {
      const r = await probe();
      if (r === true) return;
      last = r;
    } catch (err) {
      // A harness error (a component exited) will not heal by waiting; anything else is a reason to retry.
      if (err instanceof HarnessError) throw err;
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      const extra = o.onTimeout ? await o.onTimeout(last) : '';
      throw new HarnessError('CLUSTER_UNHEALTHY', `timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${o.what}: ${last}${extra ? `\n${extra}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}
