import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { toReportJson } from './json.js';
import { runJunit, suiteJunit } from './junit.js';
import { toMarkdown } from './markdown.js';
import { type ScenarioVerdict, type SuiteRun, toSummaryJson, toSummaryMarkdown } from './summary.js';
import { toTimelineHtml } from './timeline-html.js';
import { toSuiteTimelineHtml } from './timeline-suite.js';
import type { JudgedRun } from './judged-run.js';
import type { RunRecord } from './types.js';

export interface RunReportPaths {
  json: string;
  markdown: string;
  junit: string;
  html: string;
}

export interface SuiteSummaryPaths {
  json: string;
  markdown: string;
  junit: string;
  html: string;
}

/** Writes report.json, report.md, junit.xml and timeline.html into `dir`, creating it. Returns their paths. */
export async function writeRunReport(dir: string, run: RunRecord): Promise<RunReportPaths> {
  await mkdir(dir, { recursive: true });
  const paths: RunReportPaths = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    junit: join(dir, 'junit.xml'),
    html: join(dir, 'timeline.html'),
  };
  await Promise.all([
    writeFile(paths.json, `${JSON.stringify(toReportJson(run), null, 2)}\n`),
    writeFile(paths.markdown, toMarkdown(run)),
    writeFile(paths.junit, runJunit(run)),
    writeFile(paths.html, toTimelineHtml(run)),
  ]);
  return paths;
}

/**
 * Writes summary.json, summary.md, the suite's junit.xml and its
 * timeline.html (a small timeline per run, linking each run's own) into `dir`.
 * Each run's `dir` may be absolute or relative to the working directory; it
 * is stored relative to `dir`, so a report folder can be moved or archived whole.
 */
export async function writeSuiteSummary(dir: string, suiteName: string, runs: readonly SuiteRun[], scenarios: readonly ScenarioVerdict[] = [], parallel = 1): Promise<SuiteSummaryPaths> {
  return writeSuiteFiles(dir, suiteName, runs, scenarios, (rel) => toSuiteTimelineHtml(suiteName, rel, scenarios), parallel);
}

/** writeSuiteSummary's files from runs without their histories: the suite timeline is the caller's (merge-reports reuses the shards' sections). */
export async function writeSuiteFiles<R extends JudgedRun>(dir: string, suiteName: string, runs: readonly SuiteRun<R>[], scenarios: readonly ScenarioVerdict[], timeline: (rel: readonly SuiteRun<R>[]) => string, parallel = 1): Promise<SuiteSummaryPaths> {
  await mkdir(dir, { recursive: true });
  const rel = runs.map((r) => ({ run: r.run, dir: relative(dir, r.dir).split(sep).join('/') || '.' }));
  const summary = toSummaryJson(suiteName, rel, scenarios, parallel);
  const paths: SuiteSummaryPaths = { json: join(dir, 'summary.json'), markdown: join(dir, 'summary.md'), junit: join(dir, 'junit.xml'), html: join(dir, 'timeline.html') };
  await Promise.all([
    writeFile(paths.json, `${JSON.stringify(summary, null, 2)}\n`),
    writeFile(paths.markdown, toSummaryMarkdown(summary)),
    writeFile(paths.junit, suiteJunit(runs.map((r) => r.run), suiteName, scenarios)),
    writeFile(paths.html, timeline(rel)),
  ]);
  return paths;
}
