/** Scenario and suite files: loading, validation, and checks against a provider's fault catalog. */
export type { ScenarioIssue } from './errors.js';
export { ScenarioError, formatIssue } from './errors.js';
export { loadScenarioFile, loadScenarioText, loadSuiteFile, loadTargets } from './load.js';
export type { FaultActionInfo, FaultCatalog, FaultTargetKind } from './catalog.js';
export { CLUSTER_TARGET, ETCD_ROLES, MEMBER_ROLES, targetKinds, validTargets } from './catalog.js';
export { checkScenario, checkSuites } from './targets.js';
export { stepOrigin, type StepOrigin } from './origins.js';
export { parseDuration } from '../duration.js';
export { metricFromKey, parseThreshold } from '../sla/threshold.js';
export { DEFAULT_WAIT_MS, WAIT_CONDITIONS } from './steps.js';
export type * from './types.js';
