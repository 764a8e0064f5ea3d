/**
 * Where each loaded step was written, so that checks made after loading
 * (against a provider's fault catalog) still point at file:line. Kept out
 * of the Step objects: the runner's contract stays plain data.
 */
import type { ScenarioIssue } from './errors.js';
import type { Step } from './types.js';

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
