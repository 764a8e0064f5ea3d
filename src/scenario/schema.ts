/**
 * The scenario file's schema (architecture.md, "Scenario files"): unknown
 * keys are errors, defaults follow slas.md, durations become milliseconds
 * and the SLA is normalized with the source of every documented figure.
 */
import * as z from 'zod';
import type { ClusterSpec, ObserveSpec, Scenario, WorkloadSpec } from './types.js';
import { isRecord } from './data.js';
import { TOPOLOGIES } from '../sla/types.js';
import { duration, nameSchema, positiveInt } from './fields.js';
import { evidenceSchema } from './evidence.js';
import { requiresSchema } from './requires.js';
import { resolveSla, slaSchema } from './sla.js';
import { faultIdIssues, faultsOf, stepsSchema } from './steps.js';
import { errorMap, fromZod, strict, type PathIssue } from './zod-issues.js';

/** `observe:` with every line under it commented out is YAML null; it means "the defaults", not an error. */
function blankIsAbsent<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw) => (raw === null ? undefined : raw), schema);
}

/** Keys Patroni reads as integers: a typo'd "30s" there would only surface once the cluster boots. */
const PATRONI_INTS = ['ttl', 'loop_wait', 'retry_timeout', 'maximum_lag_on_failover', 'master_start_timeout', 'primary_start_timeout'];

const patroniSchema = z.looseObject(
  Object.fromEntries(PATRONI_INTS.map((key) => [key, z.int({ error: 'expected an integer' }).min(0).optional()])),
).transform((dcs): Record<string, unknown> => dcs);

const clusterSchema = strict({
  replication: z.enum(['synchronous', 'asynchronous']).default('synchronous'),
  patroni: blankIsAbsent(patroniSchema.default(() => ({}))),
  // Checked against the provider's releases once the provider is known (targets.ts).
  release: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a release name such as bookworm or trixie').optional(),
  // Checked against what the provider can build once it is known (targets.ts).
  topology: z.enum(TOPOLOGIES, { error: `expected one of ${TOPOLOGIES.join(', ')}` }).optional(),
}) satisfies z.ZodType<ClusterSpec>;

const workloadSchema = strict({
  writers: positiveInt(256).default(4),
  rate: z.number().positive().optional(),
  timeout: duration(1, '1ms').default(5_000),
}).transform(({ writers, rate, timeout }): WorkloadSpec => (rate === undefined ? { writers, timeoutMs: timeout } : { writers, rate, timeoutMs: timeout }));

const observeSchema = strict({
  interval: duration(10, '10ms').default(100),
  write_probes: z.boolean().default(false),
}).transform(({ interval, write_probes }): ObserveSpec => ({ intervalMs: interval, writeProbes: write_probes }));

export type LoadedScenario = Omit<Scenario, 'file'>;

export const scenarioSchema = strict({
  name: nameSchema,
  description: z.string().default(''),
  tags: z.array(z.string()).default(() => []),
  cluster: blankIsAbsent(clusterSchema.prefault({})),
  workload: blankIsAbsent(workloadSchema.prefault({})),
  observe: blankIsAbsent(observeSchema.prefault({})),
  steps: stepsSchema,
  sla: blankIsAbsent(slaSchema.optional()),
  requires: blankIsAbsent(requiresSchema.optional()),
  evidence: blankIsAbsent(evidenceSchema.optional()),
}).transform((s, ctx): LoadedScenario => {
  const hasFault = s.steps.some((step) => faultsOf(step).length > 0);
  const sla = resolveSla(s.sla, s.cluster.replication, hasFault, hasFault || s.steps.some((step) => step.kind === 'exec'));
  if ('issues' in sla) {
    for (const { path, message } of sla.issues) ctx.issues.push({ code: 'custom', input: s.sla, path, message });
    return z.NEVER;
  }
  const { name, description, tags, cluster, workload, observe, steps, requires, evidence } = s;
  return {
    name, description, tags, cluster, workload, observe, steps, sla: sla.sla,
    ...(sla.alerts.length === 0 ? {} : { alertSla: sla.alerts }),
    ...(requires === undefined || Object.keys(requires).length === 0 ? {} : { requires }),
    ...(evidence === undefined || evidence.length === 0 ? {} : { evidence }),
  };
}) satisfies z.ZodType<LoadedScenario>;

/** The scenario, or every problem found in the data (paths from the document root). */
export function parseScenario(data: unknown): { scenario: LoadedScenario } | { issues: PathIssue[] } {
  const result = scenarioSchema.safeParse(data, { error: errorMap });
  const crossChecks = isRecord(data) ? faultIdIssues(data.steps) : [];
  if (result.success && crossChecks.length === 0) return { scenario: result.data };
  return { issues: [...(result.success ? [] : fromZod(result.error.issues, 'scenario')), ...crossChecks] };
}
