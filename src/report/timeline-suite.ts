import { escapeXml as x } from './escape.js';
import { formatCount, formatDuration } from './format.js';
import { legend, STYLE } from './timeline-html.js';
import { buildLanes } from './timeline-lanes.js';
import { timelineSvg } from './timeline-svg.js';
import type { Verdict } from './types.js';
import type { ScenarioVerdict, SuiteRun } from './summary.js';
import { runVerdict, verdictIcon, worstVerdict } from './verdict.js';

/** A run folder relative to the suite's, as a link target: each path segment escaped, the slashes kept. */
const href = (dir: string, file: string): string => `${dir.split('/').map(encodeURIComponent).join('/')}/${file}`;

/**
 * The suite's timeline.html: one small timeline per run (faults, leader key,
 * writes/s), in run order, each linking to the run's own page. `runs` carry
 * their folders relative to the suite's. Pure.
 */
export function toSuiteTimelineHtml(suite: string, runs: readonly SuiteRun[], scenarios: readonly ScenarioVerdict[] = []): string {
  const verdict: Verdict = scenarios.length > 0 ? worstVerdict(scenarios.map((s) => s.verdict)) : worstVerdict(runs.map((r) => runVerdict(r.run)));
  const sections = runs.map(({ run, dir }) => {
    const v = runVerdict(run);
    const m = run.analysis.metrics;
    const facts = `RTO ${formatDuration(m.rto_ms)} · unavailable ${formatDuration(m.unavailability_ms)} · lost ${formatCount(m.lost_writes)} · max primaries ${formatCount(m.max_concurrent_primaries)}`;
    return `<section class="run" data-run="${x(dir)}">
<h2>${verdictIcon[v]} <a href="${x(href(dir, 'timeline.html'))}">${x(`${run.scenario.name} #${run.iteration}`)}</a> <small>${x(`${v.toUpperCase()} · ${facts}`)} · <a href="${x(href(dir, 'report.md'))}">report.md</a></small></h2>
${timelineSvg(buildLanes(run.events, run.startedAt, run.endedAt), { compact: true })}
</section>`;
  });
  const starts = runs.map((r) => r.run.startedAt);
  return suiteTimelinePage(suite, verdict, sections, starts.length > 0 ? Math.min(...starts) : undefined);
}

/** The page around the runs' sections; merge-reports puts the shards' sections back into one. */
export function suiteTimelinePage(suite: string, verdict: Verdict, sections: readonly string[], startedAt: number | undefined): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${x(`${verdict.toUpperCase()} suite ${suite}`)}</title>
<style>${STYLE}</style></head><body>
<h1>${verdictIcon[verdict]} ${x(`${verdict.toUpperCase()}: suite ${suite}`)}</h1>
<div class="meta">${x(`${sections.length} runs${startedAt !== undefined ? ` · from ${new Date(startedAt).toISOString()}` : ''} · each run's own timeline (every member's role, errors, latency) is a click away`)}</div>
${legend(true)}
${sections.join('\n')}
</body></html>
`;
}

/** Each run's section of a suite timeline page (as toSuiteTimelineHtml wrote it), by its run folder. */
export function suiteTimelineSections(html: string, dirs: readonly string[]): Map<string, string> {
  const byAttr = new Map([...html.matchAll(/<section class="run" data-run="([^"]*)">[\s\S]*?<\/section>/g)].map((m) => [m[1] ?? '', m[0]]));
  return new Map(dirs.flatMap((d) => {
    const section = byAttr.get(x(d));
    return section === undefined ? [] : [[d, section] as const];
  }));
}
