/**
 * `--set path=value`: applied to the raw document before validation, so an
 * overridden field is checked exactly like one written in the file.
 */
import { isCollection, parseDocument } from 'yaml';
import { DEFAULT_PROFILE, PROFILE_NAMES, defaultMetrics } from '../sla/profiles.js';
import { isRecord } from './data.js';
import { ScenarioError, formatPath, type ScenarioIssue } from './errors.js';
import { metricFromKey } from '../sla/threshold.js';

export interface Override {
  /** The flag's argument as given, to name it in messages. */
  text: string;
  path: (string | number)[];
  value: unknown;
}

export interface OverrideIssue {
  path: (string | number)[];
  message: string;
  override: string;
}

const SEGMENT = /^([A-Za-z0-9_-]+)((?:\[\d+\])*)$/;

/** Parses every flag; all malformed ones are reported together. */
export function parseOverrides(flags: readonly string[]): Override[] {
  const issues: ScenarioIssue[] = [];
  const parsed = flags.flatMap((text) => {
    const result = parseOverride(text);
    if ('error' in result) issues.push({ file: '', line: 0, column: 0, path: '', override: text, message: result.error });
    return 'error' in result ? [] : [result];
  });
  if (issues.length > 0) throw new ScenarioError(issues);
  return parsed;
}

const PATH_EXPECTED = 'expected a path like cluster.patroni.ttl or steps[3].sleep';

function parseOverride(text: string): Override | { error: string } {
  const eq = text.indexOf('=');
  if (eq < 0) return { error: 'expected path=value, e.g. workload.writers=8' };
  const path = parsePath(text.slice(0, eq).trim());
  if (path === undefined) return { error: `${PATH_EXPECTED} before =` };
  const doc = parseDocument(text.slice(eq + 1), { prettyErrors: false });
  if (doc.errors.length > 0) return { error: `cannot read the value as YAML: ${doc.errors[0]?.message ?? ''}` };
  // Only flow collections ({a: 1}, [a, b]) are structure; "Crash it: now" is a string, not a block mapping.
  const block = isCollection(doc.contents) && doc.contents.flow !== true;
  return { text, path, value: block ? text.slice(eq + 1).trim() : doc.toJS() };
}

/** The text a suite's `set:` entry is named by: no `=` in it, so no --set flag's text is ever the same. */
export const suiteSetText = (key: string): string => `set.${key}`;

/**
 * A suite's `set:` entry as the --set flag `key=value` would be: the same
 * path syntax; the value is already YAML (the suite file's).
 */
export function suiteOverride(key: string, value: unknown): Override | { error: string } {
  const path = parsePath(key.trim());
  return path === undefined ? { error: `${PATH_EXPECTED}, as --set takes it` } : { text: suiteSetText(key), path, value };
}

function parsePath(text: string): (string | number)[] | undefined {
  if (text === '') return undefined;
  const path: (string | number)[] = [];
  for (const part of text.split('.')) {
    const match = SEGMENT.exec(part);
    // These would reach Object.prototype through a plain object instead of setting a key.
    if (match === null || ['__proto__', 'constructor', 'prototype'].includes(match[1] ?? '')) return undefined;
    path.push(match[1] as string);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}

/**
 * The data with the overrides applied, in order, except that `sla.*` ones go
 * last: they may need the replication mode another override sets.
 */
export function applyOverrides(data: unknown, overrides: readonly Override[]): { data: unknown; issues: OverrideIssue[]; applied: Override[] } {
  const root: unknown = data === null || data === undefined ? {} : structuredClone(data);
  const issues: OverrideIssue[] = [];
  const ordered = [...overrides.filter((o) => o.path[0] !== 'sla'), ...overrides.filter((o) => o.path[0] === 'sla')];
  // With the paths actually written (`sla.rto` may have landed on `sla.rto_ms`), to trace problems back to a flag.
  const applied = ordered.map((override) => {
    const path = isRecord(root) && override.path[0] === 'sla' ? slaPath(root, override.path) : override.path;
    const error = setIn(root, path, structuredClone(override.value));
    if (error !== undefined) issues.push({ path: override.path, message: error, override: override.text });
    return { ...override, path };
  });
  return { data: root, issues, applied };
}

/**
 * `--set sla.rto=<45s` tightens one metric of the profile in force: a profile
 * name (or no sla) becomes the map of its metrics first, and `rto` lands on
 * an `rto_ms` key already written in the file rather than duplicating it.
 */
function slaPath(root: Record<string, unknown>, path: (string | number)[]): (string | number)[] {
  const key = path[1];
  if (typeof key !== 'string') return path;
  if (root.sla === undefined || root.sla === null || (typeof root.sla === 'string' && PROFILE_NAMES.includes(root.sla))) {
    const profile = typeof root.sla === 'string' ? root.sla : DEFAULT_PROFILE;
    const cluster = isRecord(root.cluster) ? root.cluster : {};
    const replication = cluster.replication === 'asynchronous' ? 'asynchronous' : 'synchronous';
    const hasFault = Array.isArray(root.steps) && root.steps.some((st) => isRecord(st) && st.fault !== undefined);
    root.sla = Object.fromEntries(defaultMetrics(replication, hasFault).map((metric) => [metric, profile]));
  }
  const metric = metricFromKey(key);
  const existing = isRecord(root.sla) && metric !== undefined ? Object.keys(root.sla).find((k) => metricFromKey(k) === metric) : undefined;
  return existing === undefined ? path : ['sla', existing, ...path.slice(2)];
}

function setIn(root: unknown, path: readonly (string | number)[], value: unknown): string | undefined {
  let node = root;
  for (const [i, seg] of path.entries()) {
    const here = formatPath(path.slice(0, i)) || 'the document';
    const last = i === path.length - 1;
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return `${here} is not a list, so it has no [${seg}]`;
      // Appending (index = length) is allowed for the last segment only: `steps[7]={heal: all}` adds a step.
      if (seg > node.length || (seg === node.length && !last)) return `${here} has ${node.length} entries, so it has no [${seg}]`;
    } else if (!isRecord(node)) {
      return `${here} is ${Array.isArray(node) ? 'a list' : 'not a mapping'}, so it has no key ${seg}`;
    }
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[seg] = value;
      return undefined;
    }
    if (container[seg] === undefined || container[seg] === null) {
      if (typeof path[i + 1] === 'number') return `${formatPath(path.slice(0, i + 1))} is not set, so it has no ${formatPath(path.slice(i + 1, i + 2))}`;
      container[seg] = {};
    }
    node = container[seg];
  }
  return undefined;
}
