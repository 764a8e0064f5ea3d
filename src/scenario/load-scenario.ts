/** A scenario from a parsed source: overrides, validation, located issues, step origins. */
import type { ScenarioIssue } from './errors.js';
import type { Scenario } from './types.js';
import { isRecord } from './data.js';
import { byPosition, locator } from './locate.js';
import { recordOrigin, recordScenarioOrigin } from './origins.js';
import { applyOverrides, type Override } from './overrides.js';
import { parseScenario } from './schema.js';
import { hasRootKey, toData, type Source } from './yaml-source.js';

export function scenarioFromSource(source: Source, overrides: readonly Override[], file?: string): { scenario: Scenario } | { issues: ScenarioIssue[] } {
  if (hasRootKey(source, 'suite')) {
    return { issues: [{ file: source.file, line: 1, column: 1, path: '', message: 'this is a suite file (it has a suite key); expected a scenario' }] };
  }
  const read = toData(source);
  if ('issue' in read) return { issues: [read.issue] };
  const { data, issues: overrideIssues, applied } = applyOverrides(read.data, overrides);
  const locate = locator(source, applied);
  const parsed = parseScenario(data);
  const flagOrder = (issue: ScenarioIssue) => (issue.override === undefined ? -1 : overrides.findIndex((o) => o.text === issue.override));
  // The file's problems top to bottom, then the flags' in the order they were given.
  const issues = [...overrideIssues, ...('issues' in parsed ? parsed.issues : [])].map(locate)
    .sort((a, b) => flagOrder(a) - flagOrder(b) || byPosition(a, b));
  if (issues.length > 0 || !('scenario' in parsed)) return { issues };
  const scenario: Scenario = file === undefined ? parsed.scenario : { ...parsed.scenario, file };
  recordScenarioOrigin(scenario, (path, message) => locate({ path, message }));
  scenario.steps.forEach((step, index) => recordOrigin(step, {
    index,
    issueAt: (path, message) => locate({ path: ['steps', index, ...path], message }),
    has: (path) => lookup(data, ['steps', index, ...path]) !== undefined,
  }));
  return { scenario };
}

function lookup(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const seg of path) node = Array.isArray(node) || isRecord(node) ? (node as Record<string | number, unknown>)[seg] : undefined;
  return node;
}
