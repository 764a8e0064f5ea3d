import { DOCKER } from './docker/entry.js';
import { loadClusterFile } from './external/cluster-file.js';
import { externalEntry } from './external/entry.js';
import { LOCAL } from './local/entry.js';
import type { ProviderEntry } from './types.js';

/** Every provider this build can run, by name (as FAULTS holds the faults). */
export const PROVIDERS: ReadonlyMap<string, ProviderEntry> = new Map([LOCAL, DOCKER].map((p) => [p.name, p]));

/**
 * Providers that attach to a cluster a file describes (`--cluster-file`), by
 * name: the entry for the file at a path, read and checked (throws
 * ScenarioError, file:line, when it is not valid).
 */
export const ATTACHING: ReadonlyMap<string, (clusterFile: string) => ProviderEntry> = new Map([
  ['external', (clusterFile: string) => externalEntry(loadClusterFile(clusterFile))],
]);
