/**
 * The clusters running on this machine, of every provider, as `cluster
 * status` and `--version --components` see them: each provider in the
 * registry lists its own (local run records, the docker daemon's labels).
 * Reads only; changes nothing.
 */
import { PROVIDERS } from '../cluster/registry.js';
import type { RunningCluster } from '../cluster/types.js';

export type { RunningCluster };

/** Every running cluster: docker runs first (by run id), then local ones. */
export async function runningClusters(): Promise<RunningCluster[]> {
  const out: RunningCluster[] = [];
  for (const entry of [...PROVIDERS.values()].reverse()) out.push(...(await entry.running?.() ?? []));
  return out;
}
