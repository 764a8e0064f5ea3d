/** Suite files (`suite:` key) and directories of scenarios, as Suites. */
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import type { ScenarioIssue } from './errors.js';
import type { Scenario, Suite } from './types.js';
import { nameSchema, positiveInt } from './fields.js';
import { scenarioFromSource } from './load-scenario.js';
import { byPosition, locator, type Locator } from './locate.js';
import { suiteOverride, type Override } from './overrides.js';
import { hasRootKey, parseSource, readSource, readText, toData, type Source } from './yaml-source.js';
import { errorMap, fromZod, strict } from './zod-issues.js';
import { KNOWN_FINDINGS_ROOT } from './load-known-findings.js';

const entrySchema = z.preprocess(
  (raw) => (typeof raw === 'string' ? { file: raw } : raw),
  strict({ file: z.string().min(1), iterations: positiveInt().default(1) }, 'expected a scenario file name or {file, iterations}'),
);

export const suiteSchema = strict({
  suite: nameSchema,
  description: z.string().optional(),
  iterations: positiveInt().default(1),
  set: z.record(z.string(), z.unknown(), { error: 'expected a mapping of scenario fields to values, as --set path=value takes them, e.g. { cluster.topology: seeds }' }).optional(),
  scenarios: z.array(entrySchema).min(1, { error: 'expected at least one scenario file' }),
});

type Loaded<T> = { value: T } | { issues: ScenarioIssue[] };

/**
 * Entries are relative to the suite file. An entry's `iterations` repeats it
 * in place; the suite's `iterations` then applies to the whole list, so the
 * runs of an entry are the product of the two. The suite's `set:` entries
 * apply to every scenario as --set flags given before the command line's
 * would: the command line wins.
 */
export function suiteFromSource(source: Source, path: string, overrides: readonly Override[]): Loaded<Suite> {
  const read = toData(source);
  if ('issue' in read) return { issues: [read.issue] };
  const locate = locator(source, []);
  const parsed = suiteSchema.safeParse(read.data, { error: errorMap });
  if (!parsed.success) return { issues: fromZod(parsed.error.issues, 'suite').map(locate).sort(byPosition) };
  const sets = suiteSets(parsed.data.set ?? {}, locate);
  const all = [...sets.entries.map((e) => e.override), ...overrides];
  const issues: ScenarioIssue[] = [];
  const cache = new Map<string, Scenario | undefined>();
  const scenarios = parsed.data.scenarios.flatMap((entry, i) => {
    const file = resolve(dirname(path), entry.file);
    if (!cache.has(file)) {
      const loaded = scenarioFile(file, join(dirname(source.file), entry.file), all, (message) => locate({ path: ['scenarios', i], message }));
      cache.set(file, 'value' in loaded ? loaded.value : undefined);
      if ('issues' in loaded) issues.push(...loaded.issues);
    }
    const scenario = cache.get(file);
    return scenario === undefined ? [] : Array.from({ length: entry.iterations }, () => scenario);
  });
  const found = [...sets.issues, ...atSuiteSets(issues, sets.entries, locate)];
  if (found.length > 0) return { issues: found };
  return { value: { name: parsed.data.suite, file: path, iterations: parsed.data.iterations, scenarios } };
}

/** The suite's `set:` entries as overrides, in file order; a key that is no path is the suite line's issue. */
type SuiteSet = { key: string; override: Override };

function suiteSets(set: Record<string, unknown>, locate: Locator): { entries: SuiteSet[]; issues: ScenarioIssue[] } {
  const entries: SuiteSet[] = [];
  const issues: ScenarioIssue[] = [];
  for (const [key, value] of Object.entries(set)) {
    const override = suiteOverride(key, value);
    if ('error' in override) issues.push(locate({ path: ['set', key], message: override.error }));
    else entries.push({ key, override });
  }
  return { entries, issues };
}

/**
 * A scenario's issue that a suite's `set:` entry caused is fixed in the
 * suite file: it is said there, at the entry, naming the scenario files it
 * broke (once for all of them, not once per file). The rest stay the
 * scenarios' own.
 */
function atSuiteSets(issues: readonly ScenarioIssue[], sets: readonly SuiteSet[], locate: Locator): ScenarioIssue[] {
  const own: ScenarioIssue[] = [];
  const bySet = new Map<string, { at: (string | number)[]; what: string; files: string[] }>();
  for (const issue of issues) {
    const set = sets.find((e) => e.override.text === issue.override);
    if (set === undefined) {
      own.push(issue);
      continue;
    }
    const what = `${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
    const key = `${set.key}\0${what}`;
    const entry = bySet.get(key) ?? { at: ['set', set.key], what, files: [] };
    if (!entry.files.includes(issue.file)) entry.files.push(issue.file);
    bySet.set(key, entry);
  }
  const located = [...bySet.values()].map(({ at, what, files }) => locate({ path: at, message: `in ${files.join(', ')}: ${what}` }));
  return [...located.sort(byPosition), ...own];
}

/** A scenario named by a suite: problems with the entry itself are the suite line's. */
function scenarioFile(file: string, label: string, overrides: readonly Override[], atEntry: (message: string) => ScenarioIssue): Loaded<Scenario> {
  const text = readText(file);
  if (typeof text !== 'string') return { issues: [atEntry(`cannot read ${label}: ${text.error}`)] };
  const { source, issues } = parseSource(text, label);
  if (issues.length > 0) return { issues };
  if (hasRootKey(source, 'suite')) return { issues: [atEntry(`${label} is a suite; a suite lists scenario files, not suites`)] };
  const loaded = scenarioFromSource(source, overrides, file);
  return 'scenario' in loaded ? { value: loaded.scenario } : loaded;
}

/** Every scenario file of a directory, sorted by name; suite files (they would repeat scenarios) and the known findings are left out. */
export function directorySuite(dir: string, label: string, overrides: readonly Override[]): Loaded<Suite> {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  const issues: ScenarioIssue[] = [];
  const scenarios: Scenario[] = [];
  for (const name of names) {
    const read = readSource(join(dir, name), join(label, name));
    if ('issues' in read) issues.push(...read.issues);
    else if (!hasRootKey(read.source, 'suite') && !hasRootKey(read.source, KNOWN_FINDINGS_ROOT)) {
      const loaded = scenarioFromSource(read.source, overrides, join(dir, name));
      if ('scenario' in loaded) scenarios.push(loaded.scenario);
      else issues.push(...loaded.issues);
    }
  }
  if (issues.length === 0 && scenarios.length === 0) issues.push({ file: label, line: 0, column: 0, path: '', message: 'no scenario files (*.yaml, *.yml) in this directory' });
  return issues.length > 0 ? { issues } : { value: { name: basename(dir), file: dir, iterations: 1, scenarios } };
}
