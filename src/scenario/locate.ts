/** Turns path-level problems into file:line:column issues, naming the --set flag that caused one. */
import type { Override, OverrideIssue } from './overrides.js';
import { formatPath, type ScenarioIssue } from './errors.js';
import { positionOf, type Source } from './yaml-source.js';
import type { PathIssue } from './zod-issues.js';

export type Locator = (issue: PathIssue | OverrideIssue) => ScenarioIssue;

export function locator(source: Source, overrides: readonly Override[]): Locator {
  return (issue) => {
    const { line, column } = positionOf(source, issue.path);
    const override = 'override' in issue ? issue.override : causedBy(issue.path, overrides);
    const located: ScenarioIssue = { file: source.file, line, column, path: formatPath(issue.path), message: issue.message };
    return override === undefined ? located : { ...located, override };
  };
}

/**
 * The last override that wrote the value in question: one at or above the
 * path (its value holds the problem), or below it (it changed the mapping
 * the problem is about, e.g. added a second kind to a step).
 */
function causedBy(path: readonly (string | number)[], overrides: readonly Override[]): string | undefined {
  const hit = overrides.findLast((o) => isPrefix(o.path, path) || (path.length > 0 && isPrefix(path, o.path)));
  return hit?.text;
}

function isPrefix(prefix: readonly (string | number)[], path: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);
}

/** Issues in reading order, so that a long list can be fixed top to bottom. */
export function byPosition(a: ScenarioIssue, b: ScenarioIssue): number {
  return a.line - b.line || a.column - b.column;
}
