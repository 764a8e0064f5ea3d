import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportJson } from './json.js';
import type { SummaryJson } from './summary.js';

/** A folder given to `compare` holds no readable report: invalid input (exit 2), not a harness failure. */
export class ReportFolderError extends Error {
  readonly code = 'REPORT_NOT_FOUND';
  override name = 'ReportFolderError';
}

/**
 * The run reports of a folder: its report.json, or every run listed in its
 * summary.json. Throws ReportFolderError naming the folder and what is missing.
 */
export function readReports(dir: string): ReportJson[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ReportFolderError(`${dir}: no such report folder`);
  const single = join(dir, 'report.json');
  if (existsSync(single)) return [readReport(single)];
  const summaryFile = join(dir, 'summary.json');
  if (!existsSync(summaryFile)) throw new ReportFolderError(`${dir}: no report.json or summary.json; is this a patroni-chaos report folder?`);
  const summary = readJson(summaryFile) as Partial<SummaryJson>;
  if (!Array.isArray(summary.runs)) throw new ReportFolderError(`${summaryFile}: no "runs" list`);
  return summary.runs.map((r) => {
    const file = join(dir, String(r.dir), 'report.json');
    if (!existsSync(file)) throw new ReportFolderError(`${summaryFile}: run ${r.scenario} #${r.iteration} lists ${r.dir}, which has no report.json`);
    return readReport(file);
  });
}

function readReport(file: string): ReportJson {
  const data = readJson(file);
  if (!isReport(data)) throw new ReportFolderError(`${file}: not a patroni-chaos report (no verdict, scenario.name or metrics)`);
  return data;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ReportFolderError(`${file}: not readable JSON`, { cause: err });
  }
}

// Only what compare reads is checked: an older report with fewer metrics still compares.
function isReport(v: unknown): v is ReportJson {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const scenario = r['scenario'] as Record<string, unknown> | null | undefined;
  return ['pass', 'fail', 'error'].includes(String(r['verdict'])) && typeof scenario?.['name'] === 'string'
    && typeof r['metrics'] === 'object' && r['metrics'] !== null;
}
