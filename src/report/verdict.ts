import { EXIT } from '../errors.js';
import type { RunRecord, Verdict } from './types.js';
import type { Analysis } from '../checks/metrics.js';

// error > fail > pass: a suite that could not run must not read as a mere failure.
const severity: Record<Verdict, number> = { pass: 0, fail: 1, error: 2 };

/** A harness error overrides whatever the checks concluded from a partial history. */
export function runVerdict(run: Pick<RunRecord, 'harnessError'> & { analysis: Pick<Analysis, 'verdict'> }): Verdict {
  return run.harnessError !== undefined ? 'error' : run.analysis.verdict;
}

/** The worst of the verdicts; an empty list is an error, since nothing was verified. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict | undefined;
  for (const v of verdicts) if (worst === undefined || severity[v] > severity[worst]) worst = v;
  return worst ?? 'error';
}

export const verdictIcon: Record<Verdict, string> = { pass: '✅', fail: '❌', error: '⚠️' };

/** The CLI's exit code for a verdict: 0 pass, 1 fail, 3 error (a run that could not complete or be judged). */
export function verdictExitCode(v: Verdict): number {
  return v === 'error' ? EXIT.harness : v === 'fail' ? EXIT.slaViolated : EXIT.pass;
}
