import { DOCKER } from './docker/entry.js';
import { LOCAL } from './local/entry.js';
import type { ProviderEntry } from './types.js';

/** Every provider this build can run, by name (as FAULTS holds the faults). */
export const PROVIDERS: ReadonlyMap<string, ProviderEntry> = new Map([LOCAL, DOCKER].map((p) => [p.name, p]));
