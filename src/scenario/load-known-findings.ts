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
import type { Step } from './types.js';
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

const STEP_HINT = 'expected the index of a step of the scenario, 0-based as reports name it (steps[5] is 5)';

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
  step: z.number({ error: STEP_HINT }).int({ error: STEP_HINT }).min(0, { error: STEP_HINT }).optional(),
}).transform((f, ctx): KnownFinding => {
  const bound = boundOf(f);
  // parseThreshold's own hint speaks of comparators, which up_to has none of.
  if (typeof bound !== 'number') ctx.issues.push({ code: 'custom', input: f.up_to, path: ['up_to'], message: bound.error === THRESHOLD_HINT ? UP_TO_HINT : bound.error });
  if (f.fault !== undefined && !FAULT_SCOPED_METRICS.includes(f.metric)) {
    ctx.issues.push({ code: 'custom', input: f.fault, path: ['fault'], message: `expected no fault for ${f.metric}: only the evidence of ${FAULT_SCOPED_METRICS.join(', ')} can be attributed to a fault` });
  }
  if (f.step !== undefined && f.metric !== 'failed_steps') {
    ctx.issues.push({ code: 'custom', input: f.step, path: ['step'], message: `expected no step for ${f.metric}: only a failed_steps finding names the step whose failure it describes` });
  } else if (f.step !== undefined && typeof bound === 'number' && bound > 1) {
    // One step fails once: a bound above 1 would excuse a failure besides the step's own.
    ctx.issues.push({ code: 'custom', input: f.up_to, path: ['up_to'], message: `expected up_to 1 at most with step: one step fails once, so more would be another step's failure` });
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
  /** Its steps' kinds, by index. */
  steps: Step['kind'][];
}

/**
 * The step kinds whose own failure the history records at their index: a
 * sleep never fails, a heal step's failed cure is recorded on the fault
 * (as the runner's final heal is), and a fault that cannot be injected
 * ends the run as a harness error (exit 3), which no finding excuses.
 */
const FAILING_STEPS: readonly Step['kind'][] = ['exec', 'wait_for', 'nemesis'];

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
    found.set(scenarioName, 'scenario' in loaded ? { actions: [...new Set(loaded.scenario.steps.flatMap(faultsOf).map((f) => f.fault.action))], lines: loaded.scenario.sla, steps: loaded.scenario.steps.map((st) => st.kind) } : undefined);
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
      ...stepIssues(f.step, f.scenario, beside.steps).map((message) => ({ path: at('step'), message })),
    ];
  });
}

/** What is wrong with a finding's step for its scenario's steps, if anything. */
function stepIssues(step: number | undefined, scenario: string, kinds: readonly Step['kind'][]): string[] {
  if (step === undefined) return [];
  const kind = kinds[step];
  if (kind === undefined) return [`expected the index of a step of scenario ${scenario} (0 to ${kinds.length - 1}): it has ${kinds.length} step(s)`];
  if (FAILING_STEPS.includes(kind)) return [];
  return [`expected a step that can fail on its own (${FAILING_STEPS.join(', ')}): steps[${step}] of scenario ${scenario} is a ${kind} step`];
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
