/** The `steps` list: each step is exactly one of sleep, wait_for, fault, heal, nemesis, exec. */
import * as z from 'zod';
import type { ExecExpect, FaultSpec, Step, WaitCondition } from './types.js';
import { isRecord } from './data.js';
import { duration } from './fields.js';
import { strict, type PathIssue } from './zod-issues.js';

export const WAIT_CONDITIONS = ['healthy', 'writable', 'converged', 'leader', 'new-leader', 'etcd-healthy', 'etcd-new-cluster'] as const satisfies readonly WaitCondition[];

/** Budgets from slas.md: healthy after boot, failover within the looser documented RTO, rebuild < 5 minutes. */
export const DEFAULT_WAIT_MS: Record<WaitCondition, number> = {
  healthy: 120_000, writable: 90_000, converged: 300_000, leader: 60_000, 'new-leader': 90_000, 'etcd-healthy': 60_000, 'etcd-new-cluster': 60_000,
};

const STEP_KINDS = ['sleep', 'wait_for', 'fault', 'heal', 'nemesis', 'exec'] as const;

const waitFor = z.preprocess(
  (raw) => (typeof raw === 'string' ? { condition: raw } : raw),
  strict({ condition: z.enum(WAIT_CONDITIONS), timeout: duration(1, '1ms').optional() },
    `expected a condition (${WAIT_CONDITIONS.join(', ')}) or {condition, timeout}`),
).transform(({ condition, timeout }): Step => ({ kind: 'wait_for', condition, timeoutMs: timeout ?? DEFAULT_WAIT_MS[condition] }));

const faultId = z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected an id of letters, digits, _ . -' })
  .refine((id) => id !== 'all', { error: 'expected an id other than all, which heal: all already means' });

type FaultStep = Extract<Step, { kind: 'fault' }>;
type DraftStep = Exclude<Step, FaultStep> | (Omit<FaultStep, 'id'> & { id: string | undefined });

/**
 * The faults a step can inject, with their path under the step: a fault
 * step's own, or every fault a nemesis may draw. Whatever asks "does this
 * scenario inject faults, and which" asks this, so a nemesis is never
 * mistaken for a fault-free step (the external provider's consent hangs on it).
 */
export function faultsOf(step: Step): Array<{ fault: FaultSpec; path: (string | number)[] }> {
  if (step.kind === 'fault') return [{ fault: step, path: ['fault'] }];
  if (step.kind === 'nemesis') return step.faults.map((fault, k) => ({ fault, path: ['nemesis', 'faults', k] }));
  return [];
}

/** `action`, `target` and `id` are the fault's; every other key is a parameter of the action. */
const fault = z.looseObject(
  { action: z.string().min(1), target: z.string().min(1).optional(), id: faultId.optional() },
  { error: (iss) => (iss.code === 'invalid_type' ? 'expected a mapping like {action: kill, target: primary}' : undefined) },
).transform(({ action, target, id, ...params }): DraftStep => ({ kind: 'fault', id, action, target: target ?? 'cluster', params }));

/** A fault the nemesis draws: as a fault step, without an id (each injection gets its own). */
const nemesisFault = z.looseObject(
  { action: z.string().min(1), target: z.string().min(1).optional() },
  { error: (iss) => (iss.code === 'invalid_type' ? 'expected a mapping like {action: kill, target: primary}' : undefined) },
).transform(({ action, target, ...params }, ctx): FaultSpec => {
  if ('id' in params) ctx.issues.push({ code: 'custom', input: params.id, path: ['id'], message: 'expected no id: the nemesis names each injection itself (nemesis-<step>-<n>)' });
  return { action, target: target ?? 'cluster', params };
});

/** Uniform seeds in the PRNG's 32-bit state, so that a seed read from a report reproduces the draws. */
const SEED_MAX = 2 ** 32 - 1;

const nemesis = strict({
  seed: z.int({ error: 'expected an integer seed' }).min(0, { error: 'expected a seed >= 0' }).max(SEED_MAX, { error: `expected a seed <= ${SEED_MAX}` }).optional(),
  duration: duration(1000, '1s'),
  interval: duration(0).optional(),
  hold: duration(0).optional(),
  recover_timeout: duration(1, '1ms').optional(),
  faults: z.array(nemesisFault, { error: (iss) => (iss.code === 'invalid_type' ? 'expected a list of faults to draw from' : undefined) })
    .min(1, { error: 'expected at least one fault to draw from' }),
}, 'expected {duration, faults: [...], seed, interval, hold, recover_timeout}').transform((n): Step => ({
  kind: 'nemesis',
  // No seed written: draw one, and the report records it so the run can be replayed.
  seed: n.seed ?? Math.floor(Math.random() * SEED_MAX),
  durationMs: n.duration,
  intervalMs: n.interval ?? 30_000,
  holdMs: n.hold ?? 10_000,
  recoverTimeoutMs: n.recover_timeout ?? DEFAULT_WAIT_MS.healthy,
  faults: n.faults,
}));

/** Runbook commands are minutes at most (a reinit, an etcd restart); a hung one must not hold the run. */
const DEFAULT_EXEC_TIMEOUT_MS = 120_000;

const COMMAND_HINT = 'expected a command: a string run by sh -c, or a list [program, arg, ...]';
const EXIT_HINT = 'expected an exit code from 0 to 255';

/** What an exec step must be seen to have done besides its exit code. */
const execExpect = strict({
  output_excludes: z.string({ error: 'expected a text the output must not contain, like "Failed:"' }).min(1, { error: 'expected a text the output must not contain, like "Failed:"' }).optional(),
  member_recreated: z.literal(true, { error: 'expected true: the member the command ran in must be re-created (leave it out otherwise)' }).optional(),
}, 'expected {output_excludes, member_recreated}')
  // An empty expect checks nothing: a drill that looks guarded and is not.
  .refine((x) => x.output_excludes !== undefined || x.member_recreated !== undefined, { error: 'expected at least one of output_excludes, member_recreated (an empty expect checks nothing)' })
  .transform((x): ExecExpect => ({
  ...(x.output_excludes === undefined ? {} : { outputExcludes: x.output_excludes }),
  ...(x.member_recreated === undefined ? {} : { memberRecreated: true }),
}));

const exec = strict({
  on: z.string({ error: 'expected the member or etcd member to run in (a role like replica, or a name like patroni2, etcd1)' }).min(1),
  command: z.union([z.string().min(1), z.array(z.string()).min(1, { error: COMMAND_HINT })], { error: COMMAND_HINT }),
  timeout: duration(1, '1ms').optional(),
  expect_exit: z.int({ error: EXIT_HINT }).min(0, { error: EXIT_HINT }).max(255, { error: EXIT_HINT }).optional(),
  expect: execExpect.optional(),
}, 'expected {on, command, timeout, expect_exit, expect}').transform((e): Step => ({
  kind: 'exec', on: e.on, command: e.command, timeoutMs: e.timeout ?? DEFAULT_EXEC_TIMEOUT_MS, expectExit: e.expect_exit ?? 0,
  ...(e.expect === undefined ? {} : { expect: e.expect }),
}));

const heal = z.string({ error: 'expected all or the id of an earlier fault' }).min(1)
  .transform((id): Step => ({ kind: 'heal', id }));

const sleep = duration().transform((ms): Step => ({ kind: 'sleep', ms }));

const step = strict(
  { sleep: sleep.optional(), wait_for: waitFor.optional(), fault: fault.optional(), heal: heal.optional(), nemesis: nemesis.optional(), exec: exec.optional() },
  `expected a step: a mapping with one of ${STEP_KINDS.join(', ')}`,
).transform((s, ctx): DraftStep => {
  // Unknown keys do not stop zod before this; one message per problem is enough.
  if (ctx.issues.length > 0) return z.NEVER;
  const kinds = STEP_KINDS.filter((k) => s[k] !== undefined);
  const built = s.sleep ?? s.wait_for ?? s.fault ?? s.heal ?? s.nemesis ?? s.exec;
  if (kinds.length === 1 && built !== undefined) return built;
  const message = kinds.length === 0
    ? `expected one of ${STEP_KINDS.join(', ')}`
    : `expected exactly one of ${STEP_KINDS.join(', ')}; this step has ${kinds.join(' and ')}`;
  ctx.issues.push({ code: 'custom', input: s, message });
  return z.NEVER;
});

const listOfSteps = (iss: z.core.$ZodRawIssue) =>
  (iss.code === 'invalid_type' ? `${iss.input === undefined ? 'missing; ' : ''}expected a list of steps` : undefined);

/** An unnamed fault is `<action>-<step index>`, so `heal: kill-2` can name the fault of steps[2]. */
export const stepsSchema = z.array(step, { error: listOfSteps }).min(1, { error: 'expected at least one step' })
  .transform((steps): Step[] => steps.map((s, i) => (s.kind === 'fault' ? { ...s, id: s.id ?? `${s.action}-${i}` } : s)));

/**
 * Heal references and fault id clashes, checked on the raw list so that they
 * are reported together with the other problems of the file.
 */
export function faultIdIssues(rawSteps: unknown): PathIssue[] {
  if (!Array.isArray(rawSteps)) return [];
  const defined = new Map<string, number>();
  const issues: PathIssue[] = [];
  rawSteps.forEach((raw: unknown, i) => {
    if (!isRecord(raw)) return;
    const fault = raw.fault;
    if (isRecord(fault)) {
      const id = typeof fault.id === 'string' ? fault.id : typeof fault.action === 'string' ? `${fault.action}-${i}` : undefined;
      const first = id === undefined ? undefined : defined.get(id);
      if (first !== undefined) issues.push({ path: ['steps', i, 'fault', 'id'], message: `fault id '${id}' is already used by steps[${first}]` });
      else if (id !== undefined) defined.set(id, i);
    }
    if (typeof raw.heal === 'string' && raw.heal !== 'all' && !defined.has(raw.heal)) {
      const known = defined.size === 0 ? 'no fault is defined before this step' : `expected all or one of ${[...defined.keys()].join(', ')}`;
      issues.push({ path: ['steps', i, 'heal'], message: `no earlier step defines fault '${raw.heal}'; ${known}` });
    }
  });
  return issues;
}
