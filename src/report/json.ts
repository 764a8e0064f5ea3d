import type { AlertsReport } from '../alerts/report.js';
import type { CheckResult, Metrics } from '../checks/metrics.js';
import type { AlertLineResult } from '../checks/alert-lines.js';
import { evidenceResults, type EvidenceResult } from '../checks/evidence.js';
import type { MetricName, SlaResult } from '../sla/types.js';
import { isoTime } from './format.js';
import { buildTimeline } from './timeline.js';
import type { TimelineEntry } from './timeline-types.js';
import { optional } from '../optional.js';
import type { ClusterConfig, HarnessError, RunRecord, Verdict, Versions } from './types.js';
import { runVerdict } from './verdict.js';

/** An SLA line as report.json carries it: the analysis's, fields left out rather than undefined. */
export type SlaLine = SlaResult;

/** The report.json contract (architecture.md, "Reports"). `compare` reads it back. */
export interface ReportJson {
  verdict: Verdict;
  scenario: { name: string; description: string; file: string | null; tags: string[] };
  provider: string;
  versions: Versions;
  started_at: string;
  ended_at: string;
  duration_ms: number;
  cluster: ClusterConfig;
  metrics: Metrics;
  sla: SlaLine[];
  checks: CheckResult[];
  /**
   * Known findings in range for this run's versions: reproduced (not counted), absent (did not reproduce in
   * this run), or exceeded (the line failed beyond the bound or outside the fault, and counts; `note` says how).
   */
  known_findings: Array<{ scenario: string; metric: MetricName; versions: Record<string, string | undefined>; reason: string; reference: string; up_to: string; fault?: string; step?: number; status: 'reproduced' | 'absent' | 'exceeded'; note?: string }>;
  timeline: TimelineEntry[];
  error: HarnessError | null;
  iteration: number;
  /** The cluster run's id: its folder under the run root holds the raw configs. */
  run_id: string;
  /**
   * The scenario's `evidence:` entries, judged: the log line that proves the set-up happened
   * (`at` in ISO 8601 when the line says when), or why it was not seen; empty when it has none.
   */
  evidence: Array<Omit<EvidenceResult, 'at'> & { at: string | null }>;
  /** The documents' Prometheus alert rules read against the cluster's /metrics: reported, not judged; null when nothing was scraped. */
  alerts: AlertsReport | null;
  /** The alert lines (sla.alerts, and no critical alert in a run without a fault where the provider runs Prometheus), judged; [] when none applied. */
  alert_sla: AlertLineResult[];
}

/** Builds report.json's content from a run. Pure. */
export function toReportJson(run: RunRecord): ReportJson {
  const { scenario, analysis } = run;
  return {
    verdict: runVerdict(run),
    scenario: { name: scenario.name, description: scenario.description, file: scenario.file ?? null, tags: [...scenario.tags] },
    provider: run.provider,
    versions: run.versions,
    started_at: isoTime(run.startedAt),
    ended_at: isoTime(run.endedAt),
    duration_ms: Math.round(run.endedAt - run.startedAt),
    cluster: run.clusterConfig,
    metrics: analysis.metrics,
    sla: analysis.sla.map((s) => ({
      metric: s.metric,
      threshold: s.threshold,
      observed: s.observed,
      pass: s.pass,
      status: s.status,
      ...optional({ source: s.source, note: s.note, stat: s.stat, core: s.core, known: s.known }),
    })),
    checks: analysis.checks,
    known_findings: (analysis.known ?? []).map((k) => ({ ...k.finding, status: k.status, ...optional({ note: k.note }) })),
    timeline: buildTimeline(run.events, run.startedAt),
    error: run.harnessError === undefined ? null : { code: run.harnessError.code, message: run.harnessError.message },
    iteration: run.iteration,
    run_id: run.runId,
    alerts: run.alerts ?? null,
    alert_sla: analysis.alertSla ?? [],
    evidence: evidenceResults(scenario, run.events).map((r) => ({ ...r, at: r.at === null ? null : isoTime(r.at) })),
  };
}
