/**
 * known-findings.yaml: findings about the cluster under test that are known
 * upstream, each scoped to the component versions it applies to. Validated
 * like a scenario (file:line: what was expected) before anything starts.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import * as z from 'zod';
import { metricFromKey, METRIC_KEYS_HINT } from '../sla/threshold.js';
import { COMPONENTS, type KnownFinding } from '../sla/known-findings.js';
import { ScenarioError } from './errors.js';
import { locator } from './locate.js';
import { readSource, toData } from './yaml-source.js';
import { errorMap, fromZod, strict } from './zod-issues.js';

export const KNOWN_FINDINGS_FILE = 'known-findings.yaml';
export const KNOWN_FINDINGS_ROOT = 'known_findings';

const range = z.string().refine((r) => semver.validRange(r) !== null, { error: 'expected a version range like "< 3.0.3" or ">= 2.6 < 2.7"' });

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
});

const fileSchema = strict({ [KNOWN_FINDINGS_ROOT]: z.array(finding) });

export function loadKnownFindings(path: string): KnownFinding[] {
  const read = readSource(path, path);
  if ('issues' in read) throw new ScenarioError(read.issues);
  const data = toData(read.source);
  if ('issue' in data) throw new ScenarioError([data.issue]);
  const parsed = fileSchema.safeParse(data.data, { error: errorMap });
  if (!parsed.success) throw new ScenarioError(fromZod(parsed.error.issues, KNOWN_FINDINGS_ROOT).map(locator(read.source, [])));
  return parsed.data[KNOWN_FINDINGS_ROOT] as KnownFinding[];
}

/** The known-findings.yaml beside each scenario file, each read once. */
export function knownFindingsBeside(files: readonly (string | undefined)[]): KnownFinding[] {
  const dirs = new Set(files.flatMap((f) => (f === undefined ? [] : [dirname(f)])));
  return [...dirs].flatMap((d) => {
    const path = join(d, KNOWN_FINDINGS_FILE);
    return existsSync(path) ? loadKnownFindings(path).map((f) => ({ ...f, dir: d })) : [];
  });
}
