export type { Capability, FaultDefinition, Injected } from './types.js';
export { FAULTS, faultCatalog } from './registry.js';
export { resolveTarget } from './resolve-target.js';
