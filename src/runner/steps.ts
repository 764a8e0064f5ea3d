import { errorMessage, HarnessError } from '../errors.js';
import { FAULTS, resolveTarget } from '../faults/index.js';
import { now } from '../history/clock.js';
import { pollUntil } from '../cluster/wait/poll.js';
import type { Step } from '../scenario/types.js';
import type { RunContext } from './context.js';
import { conditionProbe } from './conditions.js';

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'sleep': return `sleep ${step.ms / 1000} s`;
    case 'wait_for': return `wait_for ${step.condition} (timeout ${step.timeoutMs / 1000} s)`;
    case 'fault': return `fault ${step.action} ${step.target}`;
    case 'heal': return `heal ${step.id}`;
  }
}

async function inject(ctx: RunContext, step: Extract<Step, { kind: 'fault' }>): Promise<void> {
  const def = FAULTS.get(step.action);
  if (!def) throw new HarnessError('FAULT_FAILED', `unknown fault action ${step.action}`);
  const resolved = await resolveTarget(ctx.cluster, step.target);
  ctx.leaderAtLastFault = ctx.dcs.leader;
  const t = now();
  try {
    const injected = await def.inject(ctx.cluster, resolved, step.params);
    ctx.history.append({ kind: 'fault', t, end: now(), phase: 'inject', id: step.id, action: step.action, target: step.target, resolved, ...(injected.detail ? { detail: injected.detail } : {}) });
    ctx.active.set(step.id, { id: step.id, action: step.action, target: step.target, resolved, ...(injected.heal ? { heal: injected.heal } : {}) });
    ctx.progress.say(`injected ${step.action} on ${resolved.join(', ') || step.target}${injected.detail ? ` (${injected.detail})` : ''}`);
  } catch (err) {
    ctx.history.append({ kind: 'fault', t, phase: 'inject', id: step.id, action: step.action, target: step.target, resolved, error: errorMessage(err) });
    throw new HarnessError('FAULT_FAILED', `fault ${step.action} on ${resolved.join(', ')} failed: ${errorMessage(err)}`, { cause: err });
  }
}

/** Heals one active fault, recording the cure; a cure that fails is recorded and reported, not thrown. */
export async function heal(ctx: RunContext, id: string): Promise<void> {
  const fault = ctx.active.get(id);
  if (!fault) return;
  ctx.active.delete(id);
  const base = { kind: 'fault' as const, phase: 'heal' as const, id, action: fault.action, target: fault.target, resolved: fault.resolved };
  try {
    const detail = fault.heal ? await fault.heal() : 'nothing to undo';
    ctx.history.append({ ...base, t: now(), ...(detail ? { detail } : {}) });
    ctx.progress.say(`healed ${fault.action} on ${fault.resolved.join(', ') || fault.target}`);
  } catch (err) {
    ctx.history.append({ ...base, t: now(), error: errorMessage(err) });
    ctx.progress.say(`heal of ${fault.action} on ${fault.resolved.join(', ')} FAILED: ${errorMessage(err)}`);
  }
}

export async function healAll(ctx: RunContext): Promise<void> {
  for (const id of [...ctx.active.keys()].reverse()) await heal(ctx, id);
}

/**
 * Runs one step. A wait that times out is a finding about the cluster, not
 * a harness failure: it is recorded (the steps check fails the run on it)
 * and the run goes on to heal and judge.
 * Only a cluster that was never healthy to begin with is a harness error.
 */
export async function runStep(ctx: RunContext, step: Step, index: number): Promise<void> {
  const label = describeStep(step);
  ctx.history.append({ kind: 'step', t: now(), index, step: label, phase: 'start' });
  let ok = true;
  let error: string | undefined;
  try {
    switch (step.kind) {
      case 'sleep': await new Promise((r) => setTimeout(r, step.ms)); break;
      case 'fault': await inject(ctx, step); break;
      case 'heal': await (step.id === 'all' ? healAll(ctx) : heal(ctx, step.id)); break;
      case 'wait_for':
        try {
          await pollUntil(conditionProbe(ctx, step.condition), { timeoutMs: step.timeoutMs, what: step.condition, intervalMs: 100 });
        } catch (err) {
          if (step.condition === 'healthy' && ctx.history.events.every((e) => e.kind !== 'fault')) throw err;
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
    ctx.history.append({ kind: 'step', t: now(), index, step: label, phase: 'end', ok, ...(error ? { error } : {}) });
  }
}
