import { errorMessage, HarnessError } from '../errors.js';
import { FAULTS, resolveTarget } from '../faults/index.js';
import { now } from '../history/clock.js';
import { pollUntil } from '../cluster/wait/poll.js';
import type { Step } from '../scenario/types.js';
import type { RunContext } from './context.js';
import { conditionProbe } from './conditions.js';
import { describeNemesis, nemesisDraws } from '../scenario/nemesis.js';
import { runExec } from './exec.js';
import { describeExec } from '../scenario/exec.js';
import { unknownRole, watchRole } from './role-at-act.js';

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'sleep': return `sleep ${step.ms / 1000} s`;
    case 'wait_for': return `wait_for ${step.condition} (timeout ${step.timeoutMs / 1000} s)`;
    case 'fault': return `fault ${step.action} ${step.target}`;
    case 'heal': return `heal ${step.id}`;
    case 'nemesis': return describeNemesis(step, (ms) => `${ms / 1000} s`);
    case 'exec': return describeExec(step);
  }
}

/** `where` names the step for a reason the run gives ("step 2 (fault kill primary)"). */
async function inject(ctx: RunContext, step: Extract<Step, { kind: 'fault' }>, where: string): Promise<void> {
  const def = FAULTS.get(step.action);
  if (!def) throw new HarnessError('FAULT_FAILED', `unknown fault action ${step.action}`);
  let t = now();
  let resolved: string[] = [];
  let wrongRole: string | undefined;
  try {
    // Inside the try: a target that cannot be resolved (no member answers) is this fault's failure, named as such.
    const roles = (c: typeof ctx.cluster) => ctx.parts.memberRoles(c);
    resolved = await resolveTarget(ctx.cluster, step.target, roles).catch((err: unknown) => {
      throw new Error(`could not resolve target ${step.target}: ${errorMessage(err)}`, { cause: err });
    });
    ctx.leaderAtLastFault = ctx.dcs.leader;
    ctx.acks.markFault();
    // The fault starts when it is injected, not when its target was looked up: RTO runs from here.
    t = now();
    const watch = watchRole(ctx.cluster, step.target, resolved, roles);
    const injected = await def.inject(watch?.cluster ?? ctx.cluster, resolved, step.params);
    const end = injected.inForceAt ?? now();
    if (injected.startedAt !== undefined) t = injected.startedAt;
    const role = await watch?.verdict();
    // A reading that proved neither way leaves the step done and the run unknown (the fault-evidence check).
    const unknown = role?.held === 'unknown' ? unknownRole(where, step.target, resolved, role.observed) : undefined;
    const event = { kind: 'fault' as const, t, end, phase: 'inject' as const, id: step.id, action: step.action, target: step.target, resolved, ...(injected.detail ? { detail: injected.detail } : {}), ...(injected.effect ? { effect: injected.effect } : {}), ...(role ? { roleAtAct: role.observed } : {}), ...(unknown ? { unknown } : {}) };
    // It acted, on whatever member: healed at the end like any fault in force.
    ctx.active.set(step.id, { id: step.id, action: step.action, target: step.target, resolved, ...(injected.heal ? { heal: injected.heal } : {}) });
    if (role?.held === false) {
      // Recorded as a failed injection, so that no check judges it as a fault on the role it names.
      ctx.history.append({ ...event, error: role.reason });
      wrongRole = role.reason;
    } else {
      ctx.history.append(event);
      ctx.progress.say(`injected ${step.action} on ${resolved.join(', ') || step.target}${injected.detail ? ` (${injected.detail})` : ''}${injected.effect ? `; effect: ${injected.effect}` : ''}`);
      if (unknown !== undefined) ctx.progress.say(`the run cannot pass: ${unknown}`);
    }
  } catch (err) {
    ctx.history.append({ kind: 'fault', t, phase: 'inject', id: step.id, action: step.action, target: step.target, resolved, error: errorMessage(err) });
    throw new HarnessError('FAULT_FAILED', `fault ${step.action} on ${resolved.join(', ') || step.target} failed: ${errorMessage(err)}`, { cause: err });
  }
  if (wrongRole !== undefined) throw new HarnessError('FAULT_FAILED', `fault ${step.action} on ${resolved.join(', ')} failed: ${wrongRole}`);
}

/** Heals one active fault, recording the cure; a cure that fails is recorded and reported, not thrown. */
export async function heal(ctx: RunContext, id: string): Promise<void> {
  const fault = ctx.active.get(id);
  if (!fault) return;
  ctx.active.delete(id);
  const base = { kind: 'fault' as const, phase: 'heal' as const, id, action: fault.action, target: fault.target, resolved: fault.resolved };
  try {
    const healed = fault.heal ? await fault.heal() : 'nothing to undo';
    const { detail, unknown: why } = typeof healed === 'object' ? healed : { detail: healed, unknown: undefined };
    const unknown = why === undefined ? undefined : `heal of ${id} (${fault.action} on ${fault.resolved.join(', ') || fault.target}): ${why}`;
    ctx.history.append({ ...base, t: now(), ...(detail ? { detail } : {}), ...(unknown ? { unknown } : {}) });
    ctx.progress.say(`healed ${fault.action} on ${fault.resolved.join(', ') || fault.target}`);
    if (unknown !== undefined) ctx.progress.say(`the run cannot pass: ${unknown}`);
  } catch (err) {
    ctx.history.append({ ...base, t: now(), error: errorMessage(err) });
    ctx.progress.say(`heal of ${fault.action} on ${fault.resolved.join(', ')} FAILED: ${errorMessage(err)}`);
  }
}

export async function healAll(ctx: RunContext): Promise<void> {
  for (const id of [...ctx.active.keys()].reverse()) await heal(ctx, id);
}

/**
 * Jepsen's combined nemesis: draw, pause, inject, hold, heal, and let the
 * cluster recover before the next draw, until the duration is spent. No
 * fault starts after the duration; the one in force then is held and healed
 * in full. A cluster that does not recover within the budget ends the
 * nemesis (more faults on a broken cluster measure nothing): the step fails
 * with the reason, and the run goes on to heal and judge.
 */
async function runNemesis(ctx: RunContext, step: Extract<Step, { kind: 'nemesis' }>, index: number): Promise<string | undefined> {
  const until = now() + step.durationMs;
  ctx.progress.say(`nemesis seed ${step.seed}: ${step.faults.length} fault(s) to draw from for ${step.durationMs / 1000} s`);
  let n = 0;
  for (const draw of nemesisDraws(step)) {
    if (now() + draw.pauseMs >= until) break;
    await new Promise((r) => setTimeout(r, draw.pauseMs));
    const id = `nemesis-${index}-${n++}`;
    await inject(ctx, { kind: 'fault', id, ...draw.fault }, `step ${index + 1} (nemesis), its fault ${id} (${draw.fault.action} ${draw.fault.target})`);
    await new Promise((r) => setTimeout(r, step.holdMs));
    await heal(ctx, id);
    try {
      await pollUntil(conditionProbe(ctx, 'healthy'), { timeoutMs: step.recoverTimeoutMs, what: 'healthy', intervalMs: 100 });
    } catch (err) {
      return `the cluster was not healthy ${step.recoverTimeoutMs / 1000} s after ${id} (${draw.fault.action} ${draw.fault.target}) was healed: ${errorMessage(err)}`;
    }
    ctx.progress.say(`nemesis: ${n} fault(s) injected and recovered from, ${Math.max(0, Math.round((until - now()) / 1000))} s left`);
  }
  return undefined;
}

/**
 * Runs one step. A wait that times out is a finding about the cluster, not
 * a harness failure: it is recorded (the steps check fails the run on it)
 * and the run goes on to heal and judge.
 * Only a cluster that was never healthy to begin with is a harness error.
 */
export async function runStep(ctx: RunContext, step: Step, index: number): Promise<void> {
  const label = describeStep(step);
  ctx.history.append({ kind: 'step', t: now(), index, step: label, phase: 'start', type: step.kind });
  let ok = true;
  let error: string | undefined;
  let ran: { resolved: string[]; detail: string } | undefined;
  try {
    switch (step.kind) {
      case 'exec': {
        const r = await runExec(ctx, step);
        ran = { resolved: r.resolved, detail: r.detail };
        if (r.error !== undefined) {
          ok = false;
          error = r.error;
          ctx.progress.say(`exec did not do what it should: ${r.error}`);
        }
        break;
      }
      case 'sleep': await new Promise((r) => setTimeout(r, step.ms)); break;
      case 'fault': await inject(ctx, step, `step ${index + 1} (${label})`); break;
      case 'heal': await (step.id === 'all' ? healAll(ctx) : heal(ctx, step.id)); break;
      case 'nemesis': {
        const failed = await runNemesis(ctx, step, index);
        if (failed !== undefined) {
          ok = false;
          error = failed;
          ctx.progress.say(`nemesis stopped: ${failed}`);
        }
        break;
      }
      case 'wait_for':
        try {
          await pollUntil(conditionProbe(ctx, step.condition), { timeoutMs: step.timeoutMs, what: step.condition, intervalMs: 100 });
        } catch (err) {
          if (step.condition === 'healthy' && ctx.history.others.every((e) => e.kind !== 'fault')) throw err;
          ok = false;
          error = errorMessage(err);
          if (step.condition === 'converged') {
            const members = await ctx.parts.snapshot(ctx.cluster, { rows: false }).catch(() => []);
            ctx.history.append({ kind: 'converged', t: now(), ok: false, members, reason: error });
          }
          ctx.progress.say(`wait_for ${step.condition} did not hold: ${error}`);
        }
        break;
    }
  } catch (err) {
    ok = false;
    error = errorMessage(err);
    throw err;
  } finally {
    ctx.history.append({ kind: 'step', t: now(), index, step: label, phase: 'end', type: step.kind, ok, ...(ran ?? {}), ...(error ? { error } : {}) });
  }
}
