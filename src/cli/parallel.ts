/**
 * `--parallel N`: whether this provider can run N clusters at once here, and
 * where each pool slot's cluster takes its ports. Checked before anything
 * starts: a refusal is invalid input (exit 2) naming the flag.
 */
import { InvalidArgumentError } from 'commander';
import type { ProviderEntry } from '../cluster/types.js';
import { ScenarioError } from '../scenario/errors.js';

/** More clusters than this at once on one machine is a typo (each needs about a core; see docs/cli.md). */
export const MAX_PARALLEL = 16;

/** The highest port base `--port-base` takes: a block of 100 above it still fits under 65536. */
export const MAX_PORT_BASE = 65400;

export function parallelArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARALLEL) throw new InvalidArgumentError(`--parallel must be an integer from 1 to ${MAX_PARALLEL}`);
  return n;
}

const issue = (message: string) => new ScenarioError([{ file: '', line: 0, column: 0, path: '--parallel', message }]);

/**
 * Throws invalid input when `n` clusters of this provider cannot run at
 * once: a provider of one cluster (external), a Toxiproxy the runs would
 * share (their link proxies are named by member, so one run's would
 * replace another's), or port blocks past the last port.
 */
export function checkParallel(entry: Pick<ProviderEntry, 'name' | 'parallel'>, n: number, o: { portBase: number; toxiproxy?: string | undefined }): void {
  if (n <= 1) return;
  const how = entry.parallel;
  if (how === undefined || 'refused' in how) throw issue(`provider "${entry.name}" runs one cluster at a time: ${how === undefined ? 'it does not say how two of its clusters would be kept apart' : how.refused}`);
  if (o.toxiproxy !== undefined) throw issue(`the runs would share the Toxiproxy at ${o.toxiproxy} (--toxiproxy or PATRONI_CHAOS_TOXIPROXY), where each names its link proxies by member: one run's would replace another's. Leave it out (each run starts its own proxy) or run one at a time`);
  const last = portBaseOf(how.portBlock, o.portBase, n - 1);
  if (last > MAX_PORT_BASE) throw issue(`${n} clusters take ${n} blocks of ${how.portBlock} ports from --port-base ${o.portBase}: the last would start at ${last}, past ${MAX_PORT_BASE}; choose a lower --port-base`);
}

/** The port base of the cluster in pool slot `slot` (0-based): slot 0 takes the one given. */
export function portBaseOf(portBlock: number, portBase: number, slot: number): number {
  return portBase + portBlock * slot;
}
