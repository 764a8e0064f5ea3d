import type { StartedCluster } from './types.js';

/**
 * Every cluster this process has started and not yet stopped, whatever its
 * provider: what Ctrl-C, SIGTERM and a crash stop before the process exits.
 * A provider adds a cluster when it starts and removes it when it stops.
 */
export const liveClusters = new Set<Pick<StartedCluster, 'stop'>>();
