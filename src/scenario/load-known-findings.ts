/**
 * known-findings.yaml: findings about the cluster under test that are known
 * upstream, each scoped to the component versions it applies to. Validated
 * like a scenario (file:line: what was expected) before anything starts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import semver from 'semver';
import * as z from 'zod';
import { metricFromKey, METRIC_KEYS_HINT, THRESHOLD_HINT } from '../sla/threshold.js';
import { boundOf, COMPONENTS, FAULT_SCOPED_METRICS, UP_TO_COMPARATORS, type KnownFinding } from '../sla/known-findings.js';
import type { SlaRequirement } from '../sla/types.js';
import { ScenarioError } from './errors.js';
import { locator } from './locate.js';
import { scenarioFromSource } from './load-scenario.js';
import { faultsOf } from './steps.js';
import { closest } from './suggest.js';
import { hasRootKey, readSource, toData, type Source } from './yaml-source.js';
import { errorMap, fromZod, strict, type PathIssue } from './zod-issues.js';

export const KNOWN_FINDINGS_FILE = 'known-findings.yaml';
export const KNOWN_FINDINGS_ROOT = 'known_findings';

const range = z.string().refine((r) => semver.validRange(r) !== null, { error: 'expected a version range like "< 3.0.3" or ">= 2.6 < 2.7"' });

const UP_TO_HINT = 'expected the worst figure the finding was seen at, in the metric\'s unit as an SLA value is written, e.g. "6s", 2 or "1MB": a failure beyond it fails as an ordinary one';

const finding = strict({
  scenario: z.string().min(1),
  metric: z.string().transform((key, ctx) => {
    const metric = metricFromKey(key);
    if (metric === undefined) ctx.issues.push({ code: 'custom', input: key, message: METRIC_KEYS_HINT });
    return metric ?? z.NEVER;
  }),
  versions: strict(Object.fromEntries(COMPONENTS.map((c) => [c, range.optional()])))
    .refine((v) => Object.keys(v).length > 0, { error: 'expected at least one component range: a finding without one would never re-arm after an upgrade' }),
  reason: z.string().min(1),
  reference: z.string().min(1),
  up_to: z.union([z.string().min(1), z.number()], { error: (iss) => (iss.input === undefined ? `missing; ${UP_TO_HINT}` : UP_TO_HINT) }).transform(String),
  fault: z.string().min(1).optional(),
}).transform((f, ctx): KnownFinding => {
  const bound = boundOf(f);
  // parseThreshold's own hint speaks of comparators, which up_to has none of.
  if (typeof bound !== 'number') ctx.issues.push({ code: 'custom', input: f.up_to, path: ['up_to'], message: bound.error === THRESHOLD_HINT ? UP_TO_HINT : bound.error });
  if (f.fault !== undefined && !FAULT_SCOPED_METRICS.includes(f.metric)) {
    ctx.issues.push({ code: 'custom', input: f.fault, path: ['fault'], message: `expected no fault for ${f.metric}: only the evidence of ${FAULT_SCOPED_METRICS.join(', ')} can be attributed to a fault` });
  }
  return f;
});

const fileSchema = strict({ [KNOWN_FINDINGS_ROOT]: z.array(finding) });

/** What a finding is checked against in the scenario it names. */
interface Beside {
  /** The fault actions it injects. */
  actions: string[];
  /** Its SLA lines. */
  lines: readonly SlaRequirement[];
}

/**
 * The scenario files of a folder: each name, with what a finding is checked
 * against when the file loads (a broken one is refused as a target on its own, not here).
 */
function scenariosIn(dir: string, except: string): Map<string, Beside | undefined> {
  const found = new Map<string, Beside | undefined>();
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n) && n !== except).sort()) {
    const read = readSource(join(dir, name), name);
    if ('issues' in read || hasRootKey(read.source, 'suite') || hasRootKey(read.source, KNOWN_FINDINGS_ROOT)) continue;
    const data = toData(read.source);
    const scenarioName = 'data' in data && typeof data.data === 'object' && data.data !== null ? (data.data as Record<string, unknown>)['name'] : undefined;
    if (typeof scenarioName !== 'string') continue;
    const loaded = scenarioFromSource(read.source, [], join(dir, name));
    found.set(scenarioName, 'scenario' in loaded ? { actions: [...new Set(loaded.scenario.steps.flatMap(faultsOf).map((f) => f.fault.action))], lines: loaded.scenario.sla } : undefined);
  }
  return found;
}

/**
 * A finding covers only the scenario files of its own folder: one naming a
 * scenario that is not there (a typo, a renamed file) would never apply, one
 * naming a fault its scenario never injects would never excuse anything, and
 * an up_to on a line that fails low (`>=`, `>`, `!=`) would excuse every
 * failure of it, since up_to bounds a failure from above.
 */
function besideIssues(findings: readonly KnownFinding[], path: string): PathIssue[] {
  const scenarios = scenariosIn(dirname(path), basename(path));
  return findings.flatMap((f, i): PathIssue[] => {
    const at = (field: string): (string | number)[] => [KNOWN_FINDINGS_ROOT, i, field];
    if (!scenarios.has(f.scenario)) {
      const near = closest(f.scenario, [...scenarios.keys()]);
      return [{ path: at('scenario'), message: `expected the name of a scenario file beside ${basename(path)} (in ${dirname(path)}); none is named "${f.scenario}"${near === undefined ? '' : ` (did you mean "${near}"?)`}` }];
    }
    const beside = scenarios.get(f.scenario);
    if (beside === undefined) return [];
    const low = beside.lines.find((l) => l.metric === f.metric && !UP_TO_COMPARATORS.includes(l.op));
    return [
      ...(low === undefined ? [] : [{ path: at('up_to'), message: `expected a finding on a line that fails above a figure (${UP_TO_COMPARATORS.join(', ')}): scenario ${f.scenario} judges ${f.metric} ${low.threshold}, whose failures up_to cannot bound` }]),
      ...(f.fault === undefined || beside.actions.includes(f.fault) ? [] : [{ path: at('fault'), message: `expected a fault action scenario ${f.scenario} injects (${beside.actions.join(', ') || 'it injects none'})` }]),
    ];
  });
}

export function loadKnownFindings(path: string): KnownFinding[] {
  const read = readSource(path, path);
  if ('issues' in read) throw new ScenarioError(read.issues);
  const data = toData(read.source);
  if ('issue' in data) throw new ScenarioError([data.issue]);
  const refuse = (source: Source, issues: PathIssue[]) => new ScenarioError(issues.map(locator(source, [])));
  const parsed = fileSchema.safeParse(data.data, { error: errorMap });
  if (!parsed.success) throw refuse(read.source, fromZod(parsed.error.issues, KNOWN_FINDINGS_ROOT));
  const findings = parsed.data[KNOWN_FINDINGS_ROOT] as KnownFinding[];
  const beside = besideIssues(findings, path);
  if (beside.length > 0) throw refuse(read.source, beside);
  return findings;
}

/** The known-findings.yaml beside each scenario file, each read once. */
export function knownFindingsBeside(files: readonly (string | undefined)[]): KnownFinding[] {
  const dirs = new Set(files.flatMap((f) => (f === undefined ? [] : [dirname(f)])));
  return [...dirs].flatMap((d) => {
    const path = join(d, KNOWN_FINDINGS_FILE);
    return existsSync(path) ? loadKnownFindings(path).map((f) => ({ ...f, dir: d })) : [];
  });
}
