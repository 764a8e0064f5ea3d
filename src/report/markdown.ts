import { describeEntry } from './describe-entry.js';
import { formatCount, formatDuration, formatMetric, formatOffset, isoTime } from './format.js';
import { checksTable, samplesSection, slaTable, writesSection } from './markdown-metrics.js';
import { alertLinesSection, alertsSection } from './markdown-alerts.js';
import { evidenceSection } from './markdown-evidence.js';
import { evidenceResults } from '../checks/evidence.js';
import { phasesSection } from './markdown-phases.js';
import { stepsSection } from './markdown-steps.js';
import { code, mdTable } from './md.js';
import { buildTimeline } from './timeline.js';
import type { RunRecord } from './types.js';
import type { DcsInForce } from '../cluster/types.js';
import { ofKind } from '../history/history.js';
import { runVerdict, verdictIcon } from './verdict.js';

/** A drill report has to fit on a screen; report.json holds the full timeline. */
export const MD_TIMELINE_ROWS = 60;

/** report.md: what was done, what was seen, and how it compares to the documents. Pure. */
export function toMarkdown(run: RunRecord): string {
  const verdict = runVerdict(run);
  const { scenario, analysis } = run;
  const m = analysis.metrics;
  const sections: string[] = [
    `# ${verdictIcon[verdict]} ${verdict.toUpperCase()}: ${scenario.name}`,
    [
      `Iteration ${run.iteration} · provider ${code(run.provider)} · run ${code(run.runId)}  `,
      `${isoTime(run.startedAt)} → ${isoTime(run.endedAt)} (${formatDuration(run.endedAt - run.startedAt)})`,
    ].join('\n'),
  ];
  if (scenario.description) sections.push(scenario.description.split('\n').map((l) => `> ${l}`).join('\n'));
  if (run.harnessError) {
    sections.push(`## Harness error\n\nThe harness or the cluster could not run, so the figures below are partial.\n\n**${run.harnessError.code}**: ${run.harnessError.message}`);
  }
  sections.push(summaryLines(run).map((l) => `**${l}**`).join('  \n'));
  sections.push(`## What was done\n\n${stepsSection(scenario.steps, run.events, run.startedAt)}`);
  sections.push(`## What was seen\n\n${seenTable(run)}`);
  sections.push(`## SLA\n\n${slaTable(analysis.sla)}`);
  if ((analysis.alertSla ?? []).length > 0) sections.push(`## Alert lines\n\n${alertLinesSection(analysis.alertSla ?? [])}`);
  sections.push(`## Failover phases against the documented timeline\n\n${phasesSection(m)}`);
  sections.push(`## Writes\n\n${writesSection(m)}`);
  const samples = samplesSection(m);
  if (samples !== undefined) sections.push(`## Data-loss samples\n\n${samples}`);
  const evidence = evidenceResults(scenario, run.events);
  if (evidence.length > 0) sections.push(`## Set-up evidence\n\n${evidenceSection(evidence, run.startedAt)}`);
  sections.push(`## Checks\n\n${checksTable(analysis.checks)}`);
  if (run.alerts !== undefined) sections.push(`## Documented alerts\n\n${alertsSection(run.alerts)}`);
  sections.push(`## Cluster\n\n${clusterSection(run)}`);
  sections.push(`## Logs\n\n${run.logsDir ? `Logs of every component: [${code(run.logsDir)}](${encodeURI(run.logsDir)})` : 'No component logs were collected for this run.'}`);
  return `${sections.join('\n\n')}\n`;
}

/**
 * The headline: what failed and why, what was excused as a known finding,
 * and any lost write, whatever the verdict (an async run may lose writes
 * within its RPO, and a person should still see it first).
 */
function summaryLines(run: RunRecord): string[] {
  const { sla, metrics: m, checks } = run.analysis;
  const lines: string[] = [];
  const failed = sla.filter((s) => s.status === 'fail');
  if (run.harnessError) lines.push('The run could not complete (exit code 3).');
  else if (failed.length > 0) lines.push(`${failed.length} of ${sla.length} SLA lines violated: ${failed.map((s) => s.metric).join(', ')}.`);
  else if (run.analysis.verdict === 'pass') {
    const excused = sla.filter((s) => s.status === 'known' || s.status === 'deferred').length;
    lines.push(excused === 0 ? `Every SLA line held (${sla.length}).` : `Every other SLA line held (${sla.length - excused} of ${sla.length}); ${excused} known or judged over the iterations, below.`);
  }
  else lines.push(`Verdict ${run.analysis.verdict}: ${[...sla.filter((s) => s.status === 'unknown').map((s) => `${s.metric} could not be judged`), ...alertLineTroubles(run), ...checks.filter((c) => c.valid === 'unknown').map((c) => `check ${c.name} had no evidence (${c.error ?? ''})`)].join('; ')}.`);
  const steps = checks.find((c) => c.name === 'steps');
  if (steps?.valid === false) lines.push(`Steps that did not happen: ${steps.error ?? ''}.`);
  if (m.lost_writes !== null && m.lost_writes > 0) lines.push(`${formatCount(m.lost_writes)} acknowledged writes lost (RPO ${formatDuration(m.rpo_ms)}).`);
  for (const s of sla.filter((l) => l.status === 'known')) lines.push(`Known finding (not counted; --strict counts it): ${s.metric} ${formatMetric(s.metric, s.observed)} vs ${s.threshold}: ${s.known?.reason ?? ''} (${s.known?.reference ?? ''}).`);
  for (const s of sla.filter((l) => l.status !== 'known' && l.known !== undefined)) lines.push(`Known finding did not reproduce in this run (${s.metric} held).`);
  return lines;
}

/** Alert lines that failed or could not be judged, for the headline. */
function alertLineTroubles(run: RunRecord): string[] {
  return (run.analysis.alertSla ?? []).filter((l) => l.status !== 'pass').map((l) => `alert line ${l.rule} "${l.threshold}" ${l.status === 'fail' ? 'violated' : 'could not be judged'} (${l.note})`);
}

function seenTable(run: RunRecord): string {
  // Steps are already listed under "What was done".
  const entries = buildTimeline(run.events, run.startedAt).filter((e) => e.kind !== 'step');
  if (entries.length === 0) return '_Nothing was recorded._';
  const shown = entries.slice(0, MD_TIMELINE_ROWS);
  const table = mdTable(['at', 'what'], shown.map((e) => [formatOffset(e.at_ms), describeEntry(e)]), ['r', 'l']);
  const more = entries.length - shown.length;
  return more > 0 ? `${table}\n\n_${more} more entries in report.json._` : table;
}

function clusterSection(run: RunRecord): string {
  const { in_force: inForce, ...config } = run.clusterConfig;
  const settings = mdTable(['setting', 'value'], Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? '']));
  const versions = mdTable(['component', 'version'], Object.entries(run.versions).map(([k, v]) => [k, v ?? 'unknown']));
  return [settings, ...(inForce === undefined ? [] : [inForceLine(inForce, run)]), versions].join('\n\n');
}

/** Where a cluster booted with other Patroni settings, the proof that the scenario's held before the first step. */
function inForceLine(f: DcsInForce, run: RunRecord): string {
  const at = Date.parse(f.verifiedAt);
  const firstStep = ofKind(run.events, 'step').find((e) => e.phase === 'start');
  const when = Number.isNaN(at) ? f.verifiedAt : formatOffset(at - run.startedAt);
  const before = firstStep === undefined ? '' : `, ${firstStep.t >= at ? 'before' : '**after**'} the first step (${formatOffset(firstStep.t - run.startedAt)})`;
  const boot = Object.entries(f.boot).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ');
  const v = f.values;
  return `The scenario's Patroni settings (ttl ${v.ttl}, loop_wait ${v.loop_wait}, retry_timeout ${v.retry_timeout}) were in force on ${f.appliedOn.join(', ')} at ${when}${before}${boot ? `; the cluster booted with ${boot} to start faster` : ''}.`;
}
