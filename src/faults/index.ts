export type { Capability, FaultDefinition, Healed, Injected } from './types.js';
export { FAULTS, faultCatalog } from './registry.js';
export { resolveTarget, type MemberRoles } from './resolve-target.js';
