import { errorMessage } from '../errors.js';
import { hasCommandExec } from '../cluster/types.js';
import { resolveTarget } from '../faults/index.js';
import { execArgv, outputTail } from '../scenario/exec.js';
import type { ExecStep } from '../scenario/types.js';
import type { RunContext } from './context.js';

export interface ExecOutcome {
  resolved: string[];
  /** Exit code and the end of the output of each container it ran in. */
  detail: string;
  /** Why the step did not do what it should (wrong exit code, no container...); absent when it did. */
  error?: string;
}

/**
 * Runs an operator's command in each container the step's target resolves
 * to, in order, stopping at the first that does not exit as expected: a
 * runbook does not go on after a failed command. A command that fails is
 * the drill's finding (the step failed), not a harness error.
 */
export async function runExec(ctx: RunContext, step: ExecStep): Promise<ExecOutcome> {
  const cluster = ctx.cluster;
  if (!hasCommandExec(cluster)) return { resolved: [], detail: '', error: `provider ${cluster.provider} cannot run commands in containers` };
  let resolved: string[];
  try {
    resolved = await resolveTarget(cluster, step.on);
  } catch (err) {
    return { resolved: [], detail: '', error: `could not resolve ${step.on}: ${errorMessage(err)}` };
  }
  const details: string[] = [];
  for (const name of resolved) {
    try {
      const argv = execArgv(step, { scope: cluster.scope, member: name, leader: ctx.dcs.leader ?? null });
      const r = await cluster.execIn(name, argv, { timeoutMs: step.timeoutMs });
      const tail = outputTail(r.stdout, r.stderr);
      details.push(`${name}: exit ${r.code}${tail === '' ? '' : ` (${tail})`}`);
      ctx.progress.say(`exec on ${name}: exit ${r.code}${tail === '' ? '' : `: ${tail}`}`);
      if (r.code !== step.expectExit) {
        return { resolved, detail: details.join('; '), error: `${name}: exit ${r.code}, expected ${step.expectExit}${tail === '' ? '' : `: ${tail}`}` };
      }
    } catch (err) {
      return { resolved, detail: details.join('; '), error: `${name}: ${errorMessage(err)}` };
    }
  }
  return { resolved, detail: details.join('; ') };
}
