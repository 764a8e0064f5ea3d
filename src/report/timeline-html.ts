import { describeEntry } from './describe-entry.js';
import { escapeXml as x } from './escape.js';
import { formatCount, formatDuration, formatOffset } from './format.js';
import { buildTimeline } from './timeline.js';
import { ALERT_FIRING, ALERT_PENDING, FAULT_BAND, LATENCY_MAX, LATENCY_P50, NO_LEADER, ROLE_COLORS, WRITE_FAIL, WRITE_INFO, WRITE_OK } from './timeline-colors.js';
import { buildLanes } from './timeline-lanes.js';
import { timelineSvg } from './timeline-svg.js';
import type { RunRecord } from './types.js';
import { runVerdict, verdictIcon } from './verdict.js';

// Inline only: the file is archived as a CI artifact and opened offline.
export const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.2em 0 .2em}.meta{color:#555;margin-bottom:1em}
.lbl{font-size:12px;text-anchor:end;fill:#333}.small{font-size:10px;fill:#777}.tick{font-size:11px;fill:#666;text-anchor:middle}
.in{font-size:11px;fill:#fff}.fault-t{font-size:11px;fill:#7f0000}.grid{stroke:#eee}.frame{stroke:#ddd}
.inject{stroke:#b71c1c;stroke-dasharray:4 3;stroke-width:1.5}.heal{stroke:#1b5e20;stroke-dasharray:2 3;stroke-width:1.5}
.legend span{display:inline-block;margin-right:1.2em}.legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}
table{border-collapse:collapse;margin-top:.5em}td{padding:2px 10px;border-bottom:1px solid #eee;vertical-align:top}td:first-child{text-align:right;color:#555;white-space:nowrap}`;

/** The colour key shared by a run's page and the suite's. */
export function legend(compact = false): string {
  const keys: Array<[string, string]> = [
    [FAULT_BAND, 'fault in force'],
    ...(compact ? [] : Object.entries(ROLE_COLORS).map(([role, c]): [string, string] => [c, role])),
    [NO_LEADER, 'no leader key'], [WRITE_OK, 'writes ok'],
    ...(compact ? [] : [[WRITE_FAIL, 'fail'], [WRITE_INFO, 'info (indeterminate)'], [LATENCY_P50, 'latency median'], [LATENCY_MAX, 'latency worst'], [ALERT_PENDING, 'alert pending'], [ALERT_FIRING, 'alert firing']] as Array<[string, string]>),
  ];
  return `<div class="legend">${keys.map(([c, t]) => `<span><i style="background:${c}"></i>${x(t)}</span>`).join('')}</div>`;
}

/** timeline.html: one self-contained page per run (iteration), no scripts, no external resources. Pure. */
export function toTimelineHtml(run: RunRecord): string {
  const verdict = runVerdict(run);
  const m = run.analysis.metrics;
  const lanes = buildLanes(run.events, run.startedAt, run.endedAt);
  const entries = buildTimeline(run.events, run.startedAt);
  const v = run.versions;
  const facts = [
    `RTO ${formatDuration(m.rto_ms)}`, `unavailable ${formatDuration(m.unavailability_ms)}`, `lost writes ${formatCount(m.lost_writes)}`,
    `max concurrent primaries ${formatCount(m.max_concurrent_primaries)}`, `bars of ${lanes.writes.bucketMs} ms`,
  ].join(' · ');
  const versions = `patroni ${v.patroni ?? '?'} · postgres ${v.postgres ?? '?'} · etcd ${v.etcd ?? '?'} · haproxy ${v.haproxy ?? '?'}`;
  const rows = entries.map((e) => `<tr><td>${x(formatOffset(e.at_ms))}</td><td>${x(describeEntry(e))}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${x(`${verdict.toUpperCase()} ${run.scenario.name} #${run.iteration}`)}</title>
<style>${STYLE}</style></head><body>
<h1>${verdictIcon[verdict]} ${x(`${verdict.toUpperCase()}: ${run.scenario.name}`)} <small>#${run.iteration}</small></h1>
<div class="meta">${x(`${run.provider} · run ${run.runId} · ${new Date(run.startedAt).toISOString()} · ${formatDuration(run.endedAt - run.startedAt)}`)}<br>${x(versions)}<br>${x(facts)}</div>
${run.harnessError ? `<p><strong>Harness error ${x(run.harnessError.code)}</strong>: ${x(run.harnessError.message)}</p>\n` : ''}${legend()}
${timelineSvg(lanes)}
<details><summary>Events (${entries.length})</summary><table>
${rows}
</table></details>
</body></html>
`;
}
