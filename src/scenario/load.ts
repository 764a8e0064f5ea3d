/**
 * Loading what the command line names. Every function throws one
 * ScenarioError carrying every issue found, so that `validate` shows them all.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ScenarioError, type ScenarioIssue } from './errors.js';
import type { Scenario, Suite } from './types.js';
import { scenarioFromSource } from './load-scenario.js';
import { directorySuite, suiteFromSource } from './load-suite.js';
import { parseOverrides } from './overrides.js';
import { hasRootKey, parseSource, readSource } from './yaml-source.js';

/** A scenario from text; `fileLabel` names it in messages. Scenario.file stays unset: it came from no file. */
export function loadScenarioText(text: string, fileLabel: string, overrides: readonly string[] = []): Scenario {
  const parsed = parseOverrides(overrides);
  const { source, issues } = parseSource(text, fileLabel);
  if (issues.length > 0) throw new ScenarioError(issues);
  return orThrow(scenarioFromSource(source, parsed)).scenario;
}

export function loadScenarioFile(path: string, overrides: readonly string[] = []): Scenario {
  const parsed = parseOverrides(overrides);
  const read = orThrow(readSource(path, path));
  return orThrow(scenarioFromSource(read.source, parsed, resolve(path))).scenario;
}

export function loadSuiteFile(path: string, overrides: readonly string[] = []): Suite {
  const parsed = parseOverrides(overrides);
  const read = orThrow(readSource(path, path));
  if (!hasRootKey(read.source, 'suite')) throw issueError(path, 'expected a suite file (with a suite key); this looks like a scenario');
  return orThrow(suiteFromSource(read.source, resolve(path), parsed)).value;
}

/**
 * What `run` and `validate` take: scenario files, suite files and
 * directories, in the order given. Each becomes a Suite: a lone scenario is
 * a suite of one (named after it), a directory a suite named after it.
 */
export function loadTargets(paths: readonly string[], overrides: readonly string[] = []): Suite[] {
  const parsed = parseOverrides(overrides);
  if (paths.length === 0) throw issueError('', 'expected at least one scenario file, suite file or directory');
  const issues: ScenarioIssue[] = [];
  const suites = paths.flatMap((path): Suite[] => {
    const loaded = loadTarget(path, parsed);
    if ('issues' in loaded) issues.push(...loaded.issues);
    return 'value' in loaded ? [loaded.value] : [];
  });
  if (issues.length > 0) throw new ScenarioError(issues);
  return suites;
}

function loadTarget(path: string, overrides: ReturnType<typeof parseOverrides>): { value: Suite } | { issues: ScenarioIssue[] } {
  const file = resolve(path);
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory() === true) return directorySuite(file, path, overrides);
  const read = readSource(file, path);
  if ('issues' in read) return read;
  if (hasRootKey(read.source, 'suite')) return suiteFromSource(read.source, file, overrides);
  const loaded = scenarioFromSource(read.source, overrides, file);
  if ('issues' in loaded) return loaded;
  return { value: { name: loaded.scenario.name, file, iterations: 1, scenarios: [loaded.scenario] } };
}

function orThrow<T extends object>(result: T | { issues: ScenarioIssue[] }): T {
  if ('issues' in result) throw new ScenarioError(result.issues);
  return result;
}

function issueError(file: string, message: string): ScenarioError {
  return new ScenarioError([{ file, line: 0, column: 0, path: '', message }]);
}
