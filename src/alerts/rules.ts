/**
 * The documents' Prometheus alert rules, shipped verbatim under
 * scenarios/alerts/, each file naming its source in a `# source:` header.
 * A file Prometheus would refuse as written is still read, and what was
 * adapted to read it is said, rule by rule; no rule is added or dropped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as z from 'zod';
import { errorMessage, HarnessError } from '../errors.js';

export interface AlertRule {
  name: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The rule file, as the report names it. */
  file: string;
  /** The document and lines the rule comes from (the file's `# source:`). */
  source: string;
  /** What had to change for Prometheus to load the rule, and why; empty when it loads as written. */
  adapted: string[];
}

export interface RuleFile {
  file: string;
  source: string;
  /** Whether Prometheus would load the file as written. */
  loadable: boolean;
  /** File-level adaptations (its shape); the rules carry their own. */
  adapted: string[];
  rules: AlertRule[];
}

const RULES_DIR = new URL('../../scenarios/alerts/', import.meta.url);

/** The rule files every run reports on, as the report names them. */
export const DOCUMENTED_RULE_FILES = ['postgresql-alerts.yml', 'patroni-alerts-002.yml'].map((f) => ({ path: fileURLToPath(new URL(f, RULES_DIR)), label: `scenarios/alerts/${f}` }));

let documented: Array<{ name: string; file: string; for?: string }> | undefined;

/** The documented rules, for validating alert lines: name, file, `for:`; a file that cannot be read gives none (its error shows in the run's report). */
export function documentedRules(): ReadonlyArray<{ name: string; file: string; for?: string }> {
  documented ??= DOCUMENTED_RULE_FILES.flatMap(({ path, label }) => {
    try {
      return loadRuleFile(path, label).rules.map((r) => ({ name: r.name, file: label, ...(r.for === undefined ? {} : { for: r.for }) }));
    } catch {
      return [];
    }
  });
  return documented;
}

export const documentedRuleNames = (): string[] => documentedRules().map((r) => r.name);

const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROM_UNITS_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** Milliseconds of a Prometheus duration ("1m", "1h30m", "500ms"); null when it is not one. */
export function promDurationMs(text: string): number | null {
  const m = PROM_DURATION.exec(text.trim());
  if (m === null || text.trim() === '') return null;
  return PROM_UNITS_MS.reduce((sum, unit, i) => sum + Number(m[i + 1] ?? 0) * unit, 0);
}

/** A rule's fields, as Prometheus's rulefmt knows them; anything else it refuses. */
const RULE_FIELDS = new Set(['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
const GROUP_FIELDS = new Set(['name', 'interval', 'limit', 'query_offset', 'labels', 'rules']);

const stringMap = z.record(z.string(), z.string());
const ruleSchema = z.looseObject({
  alert: z.string().min(1).optional(),
  record: z.string().min(1).optional(),
  expr: z.string().min(1, { error: 'expected a PromQL expression' }),
  for: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});
const groupSchema = z.looseObject({ name: z.string().min(1), rules: z.array(ruleSchema) });
const groupsSchema = z.strictObject({ groups: z.array(groupSchema).min(1) });
const listSchema = z.array(ruleSchema).min(1);

/** A Prometheus rules file (or the documents' bare list of rules), as opposed to a scenario: `list` leaves these out. */
export function isAlertRuleFile(text: string): boolean {
  return /^groups:/m.test(text) || /^- alert:/m.test(text);
}

export function loadRuleFile(path: string, label: string): RuleFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HarnessError('NOT_FOUND', `cannot read the alert rules ${label}: ${errorMessage(err)}`, { cause: err });
  }
  return ruleFileFromText(text, label);
}

export function ruleFileFromText(text: string, label: string): RuleFile {
  const source = /^#\s*source:\s*(.+)$/m.exec(text)?.[1]?.trim();
  if (source === undefined) throw new HarnessError('INTERNAL', `${label}: no "# source:" line naming the document the rules come from`);
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new HarnessError('INTERNAL', `${label}: not YAML: ${errorMessage(err)}`, { cause: err });
  }
  // A bare list is read as the rules it lists; anything else must be Prometheus's shape.
  const parsed = Array.isArray(data) ? listSchema.safeParse(data) : groupsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HarnessError('INTERNAL', `${label}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'not a rules file'}`);
  }
  const fileAdapted: string[] = [];
  let groups: Array<z.infer<typeof groupSchema>>;
  if (Array.isArray(parsed.data)) {
    fileAdapted.push('a bare list of rules, read as one group: Prometheus needs `groups: [{name, rules}]`');
    groups = [{ name: '(none)', rules: parsed.data }];
  } else {
    groups = parsed.data.groups;
    for (const g of groups) for (const k of Object.keys(g)) if (!GROUP_FIELDS.has(k)) fileAdapted.push(`group ${g.name}: field ${k} ignored: Prometheus rejects unknown group fields`);
  }
  const rules = groups.flatMap((g) => g.rules.flatMap((r) => (r.alert === undefined ? [] : [toRule(r, label, source)])));
  const recording = groups.flatMap((g) => g.rules.filter((r) => r.alert === undefined).map((r) => r.record ?? '?'));
  if (recording.length > 0) fileAdapted.push(`recording rules not reported on: ${recording.join(', ')}`);
  const loadable = fileAdapted.length === 0 && rules.every((r) => r.adapted.length === 0);
  return { file: label, source, loadable, adapted: fileAdapted, rules };
}

function toRule(r: z.infer<typeof ruleSchema>, file: string, source: string): AlertRule {
  const adapted: string[] = [];
  const labels: Record<string, string> = { ...(r.labels ?? {}) };
  for (const [k, v] of Object.entries(r)) {
    if (RULE_FIELDS.has(k)) continue;
    if (typeof v === 'string' && labels[k] === undefined && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) {
      labels[k] = v;
      adapted.push(`${k} moved under labels: Prometheus rejects unknown rule fields`);
    } else {
      adapted.push(`${k} dropped: Prometheus rejects unknown rule fields`);
    }
  }
  return { name: r.alert as string, expr: r.expr, ...(r.for === undefined ? {} : { for: r.for }), labels, annotations: { ...(r.annotations ?? {}) }, file, source, adapted };
}
