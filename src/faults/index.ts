export type { Capability, FaultDefinition, Injected } from './types.js';
export { FAULTS, faultCatalog } from './registry.js';
export { resolveTarget, type MemberRoles } from './resolve-target.js';
