/**
 * Where each loaded step was written, so that checks made after loading
 * (against a provider's fault catalog) still point at file:line. Kept out
 * of the Step objects: the runner's contract stays plain data.
 */
import type { ScenarioIssue } from './errors.js';
import type { Scenario, Step } from './types.js';

export interface StepOrigin {
  index: number;
  /** An issue at a path under this step (e.g. ['fault', 'target']), located in its file or its override. */
  issueAt(path: (string | number)[], message: string): ScenarioIssue;
  /** Whether the user wrote that path (in the file or with --set), as opposed to a default filling it. */
  has(path: (string | number)[]): boolean;
}

const origins = new WeakMap<Step, StepOrigin>();

export function recordOrigin(step: Step, origin: StepOrigin): void {
  origins.set(step, origin);
}

export function stepOrigin(step: Step): StepOrigin | undefined {
  return origins.get(step);
}

const scenarioOrigins = new WeakMap<Scenario, (path: (string | number)[], message: string) => ScenarioIssue>();

/** Where a scenario's own keys (outside its steps) were written. */
export function recordScenarioOrigin(scenario: Scenario, issueAt: (path: (string | number)[], message: string) => ScenarioIssue): void {
  scenarioOrigins.set(scenario, issueAt);
}

/** An issue at a path of the scenario, located in its file or its override when known. */
export function scenarioIssueAt(scenario: Scenario, path: (string | number)[], message: string): ScenarioIssue {
  return scenarioOrigins.get(scenario)?.(path, message) ?? { file: scenario.file ?? '', line: 0, column: 0, path: path.join('.'), message };
}
