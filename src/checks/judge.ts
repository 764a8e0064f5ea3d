import type { Versions } from '../sla/types.js';
import type { Events } from '../history/history.js';
import type { HistoryEvent } from '../history/events.js';
import type { Scenario } from '../scenario/types.js';
import { applyKnownFindings, type KnownFinding } from '../sla/known-findings.js';
import { analyze } from './analyze.js';
import { attribute } from './attribution.js';
import { notOnlyStep } from './steps.js';
import type { Analysis } from './metrics.js';
import { verdictOf } from './verdict.js';

export interface JudgeOptions {
  versions: Versions;
  deferStats: boolean;
  knownFindings: readonly KnownFinding[];
  strict: boolean;
}

/**
 * The analysis of a history, with the known findings of these component
 * versions applied (unless strict) and the verdict taken after them. Pure,
 * like analyze: a run is re-judged from history.jsonl with the same result.
 */
export function judge(scenario: Scenario, events: Events, o: JudgeOptions): Analysis {
  const analysis = analyze(scenario, events, { deferStats: o.deferStats });
  const { sla, outcomes } = applyKnownFindings(analysis.sla, scenario.name, o.versions, o.knownFindings, {
    strict: o.strict,
    ...(scenario.file === undefined ? {} : { scenarioFile: scenario.file }),
    attribute: (metric, action) => attribute(scenario, events, metric, action),
    failedSteps: (index) => notOnlyStep(events, index),
  });
  return { ...analysis, sla, known: outcomes, verdict: verdictOf(sla, analysis.checks, analysis.alertSla ?? []) };
}
