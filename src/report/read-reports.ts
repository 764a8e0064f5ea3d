import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportJson, SlaLine } from './json.js';
import type { SummaryJson } from './summary.js';
import type { Verdict } from './types.js';

/** A folder given to `compare` holds no readable report: invalid input (exit 2), not a harness failure. */
export class ReportFolderError extends Error {
  // The CLI maps INVALID_INPUT to exit 2: a folder that is not a report is the user's input.
  readonly code = 'INVALID_INPUT';
  override name = 'ReportFolderError';
}

/**
 * The run reports of a folder: its report.json, or every run listed in its
 * summary.json. Throws ReportFolderError naming the folder and what is missing.
 */
export function readReports(dir: string): ReportJson[] {
  return readReportSide(dir).reports;
}

/** A report folder as `compare` reads it: its runs, and the lines a suite judged over the iterations of each scenario. */
export interface ReportSide {
  dir: string;
  reports: ReportJson[];
  /** Scenario → lines judged on a statistic over its iterations (summary.json `stats`); empty for a single run. */
  overIterations: Map<string, SlaLine[]>;
  /** Scenario → the verdict `run` gave it over its iterations (summary.json `stats`); absent for a single run or an older summary. */
  scenarioVerdicts?: Map<string, Verdict>;
  /** summary.json's `parallel`; absent for a single run or a summary written before run --parallel (both serial). */
  parallel?: number;
}

export function readReportSide(dir: string): ReportSide {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ReportFolderError(`${dir}: no such report folder`);
  const single = join(dir, 'report.json');
  if (existsSync(single)) return { dir, reports: [readReport(single)], overIterations: new Map() };
  const summaryFile = join(dir, 'summary.json');
  if (!existsSync(summaryFile)) throw new ReportFolderError(`${dir}: no report.json or summary.json; is this a patroni-chaos report folder?`);
  const summary = readJson(summaryFile) as Partial<SummaryJson>;
  if (!Array.isArray(summary.runs)) throw new ReportFolderError(`${summaryFile}: no "runs" list`);
  const reports = summary.runs.map((r) => {
    const file = join(dir, String(r.dir), 'report.json');
    if (!existsSync(file)) throw new ReportFolderError(`${summaryFile}: run ${r.scenario} #${r.iteration} lists ${r.dir}, which has no report.json`);
    return readReport(file);
  });
  const overIterations = new Map<string, SlaLine[]>();
  const scenarioVerdicts = new Map<string, Verdict>();
  // An older summary without stats still compares, on the runs' own lines.
  for (const [name, st] of Object.entries(summary.stats ?? {})) {
    if (Array.isArray(st.sla_over_iterations)) overIterations.set(name, st.sla_over_iterations);
    // A verdict this version does not know is no pass.
    if (typeof st.verdict === 'string') scenarioVerdicts.set(name, isVerdict(st.verdict) ? st.verdict : 'error');
  }
  const parallel = parallelOf(summary);
  return { dir, reports, overIterations, scenarioVerdicts, ...(parallel === undefined ? {} : { parallel }) };
}

/** summary.json's `parallel` when it says one; a summary written before run --parallel (serial) has none. */
export function parallelOf(summary: Partial<SummaryJson>): number | undefined {
  return typeof summary.parallel === 'number' && Number.isInteger(summary.parallel) && summary.parallel >= 1 ? summary.parallel : undefined;
}

export function readReport(file: string): ReportJson {
  const data = readJson(file);
  if (!isReport(data)) throw new ReportFolderError(`${file}: not a patroni-chaos report (no verdict, scenario.name or metrics)`);
  return data;
}

export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ReportFolderError(`${file}: not readable JSON`, { cause: err });
  }
}

const isVerdict = (v: unknown): v is Verdict => v === 'pass' || v === 'fail' || v === 'error';

// Only what compare reads is checked: an older report with fewer metrics still compares.
function isReport(v: unknown): v is ReportJson {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const scenario = r['scenario'] as Record<string, unknown> | null | undefined;
  return isVerdict(r['verdict']) && typeof scenario?.['name'] === 'string'
    && typeof r['metrics'] === 'object' && r['metrics'] !== null;
}
