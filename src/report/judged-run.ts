import type { Analysis } from '../checks/metrics.js';
import type { Scenario } from '../scenario/types.js';
import type { RunRecord } from './types.js';

/**
 * What summary.json and the suite's junit.xml are made of: a run's
 * judgement without its history. A RunRecord is one; so is a run read back
 * from its report.json, which is how merge-reports rebuilds a suite's
 * summary from shards run on other machines.
 */
export type JudgedRun = Pick<RunRecord, 'iteration' | 'provider' | 'runId' | 'versions' | 'startedAt' | 'endedAt' | 'harnessError' | 'wall'> & {
  scenario: Pick<Scenario, 'name'>;
  analysis: Pick<Analysis, 'verdict' | 'metrics' | 'sla' | 'checks'>;
};
