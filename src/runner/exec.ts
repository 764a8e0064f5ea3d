import { errorMessage } from '../errors.js';
import { hasCommandExec, type NoExit } from '../cluster/types.js';
import { resolveTarget } from '../faults/index.js';
import { execArgv, outputTail } from '../scenario/exec.js';
import type { ExecStep } from '../scenario/types.js';
import type { RunContext } from './context.js';
import type { Incarnation } from '../cluster/identity.js';
import { awaitRecreated, forbiddenLine } from './exec-expect.js';

/** coreutils `timeout`: 124 when the time ran out, 137 when the command then had to be killed; 128: the docker client itself was killed. */
const TIMED_OUT = 124;
const KILLED_AFTER_TIMEOUT = 137;
const CLIENT_KILLED = 128;
/** Why a command never ran, for the step's message. */
const NOT_RUN: Record<Exclude<NoExit, 'lost'>, string> = {
  gone: 'the container is gone or not running',
  paused: 'the container is paused',
  'not-run': 'the daemon did not start it, or was not reached',
};
/** A command that exits 124 on its own this close to its timeout is taken for one that timed out. */
const TIMEOUT_SLACK_MS = 50;

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
  // An operator's failover or switchover is judged as a fault's is: `wait_for: new-leader` compares with the leader before it.
  ctx.leaderAtLastFault = ctx.dcs.leader;
  ctx.acks.markFault();
  const details: string[] = [];
  const failed = (error: string): ExecOutcome => ({ resolved, detail: details.join('; '), error });
  const seconds = Math.max(1, Math.ceil(step.timeoutMs / 1000));
  for (const name of resolved) {
    let before: Incarnation | undefined;
    if (step.expect?.memberRecreated === true) {
      try {
        before = await ctx.parts.incarnation(cluster, name);
      } catch (err) {
        return failed(`${name}: could not read its data directory before the command, so its re-creation could not be seen: ${errorMessage(err)}`);
      }
    }
    try {
      // `timeout` inside the container ends the command itself (killing the docker client would leave it running there).
      const argv = ['timeout', '-k', '5', String(seconds), ...execArgv(step, { scope: cluster.scope, member: name, leader: ctx.dcs.leader ?? null })];
      const began = performance.now();
      const r = await cluster.execIn(name, argv, { timeoutMs: step.timeoutMs + 15_000 });
      const tail = outputTail(r.stdout, r.stderr);
      const output = tail === '' ? '' : `: ${tail}`;
      // Exit 1 of a command that never ran (or whose end was lost) is no exit of the command: no expect_exit passes it.
      if (r.noExit !== undefined) {
        const what = r.noExit === 'lost' ? 'ran but its exit code was lost' : `did not run (${NOT_RUN[r.noExit]})`;
        details.push(`${name}: ${r.noExit === 'lost' ? 'exit code lost' : 'did not run'}`);
        return failed(`${name}: the command ${what}${output}`);
      }
      // 137 is also a command killed for another reason: only the clock tells a timeout from it. With
      // some slack: a timer of N s can end a few ms short of N s on our clock (libuv's cached loop time).
      if ([TIMED_OUT, KILLED_AFTER_TIMEOUT, CLIENT_KILLED].includes(r.code) && performance.now() - began >= seconds * 1000 - TIMEOUT_SLACK_MS) {
        details.push(`${name}: timed out`);
        return failed(`${name}: did not finish within ${seconds} s (exit ${r.code})${output}`);
      }
      details.push(`${name}: exit ${r.code}${tail === '' ? '' : ` (${tail})`}`);
      ctx.progress.say(`exec on ${name}: exit ${r.code}${output}`);
      if (r.code !== step.expectExit) return failed(`${name}: exit ${r.code}, expected ${step.expectExit}${output}`);
      const forbidden = forbiddenLine(step.expect, r);
      if (forbidden !== undefined) return failed(`${name}: exit ${r.code}, but the output says "${forbidden}"`);
      if (before !== undefined) {
        // What is left of the step's time: a reinit without --wait goes on after the command returns.
        const recreated = await awaitRecreated(ctx, name, before, Math.max(Math.min(10_000, step.timeoutMs), step.timeoutMs - (performance.now() - began)));
        if ('error' in recreated) return failed(`${name}: exit ${r.code}, but ${recreated.error}`);
        details.push(`${name}: ${recreated.seen}`);
      }
    } catch (err) {
      return failed(`${name}: ${errorMessage(err)}`);
    }
  }
  return { resolved, detail: details.join('; ') };
}
