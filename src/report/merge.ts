/**
 * merge-reports: the folders of a suite's shards (run --shard i/N on
 * several machines) made into one suite folder, as if one machine had run
 * it: each run's folder copied (the shards' folders are left as they are),
 * summary.json, summary.md and junit.xml rebuilt from the runs' report.json,
 * the lines judged over the iterations judged again over all of them, and
 * the suite timeline put together from the shards' sections.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeOverIterations } from '../checks/over-iterations.js';
import { verdictOf } from '../checks/verdict.js';
import { applyKnownFindings } from '../sla/known-findings.js';
import { escapeXml } from './escape.js';
import type { JudgedRun } from './judged-run.js';
import type { ReportJson } from './json.js';
import { parallelOf, readJson, readReport, ReportFolderError } from './read-reports.js';
import { readShardJson, SAME_IN_EVERY_SHARD, type ShardJson } from './shard-json.js';
import type { ScenarioVerdict, SuiteRun, SummaryJson } from './summary.js';
import { suiteTimelinePage, suiteTimelineSections } from './timeline-suite.js';
import type { Verdict } from './types.js';
import { runVerdict, worstVerdict } from './verdict.js';
import { writeSuiteFiles } from './write.js';

export interface ShardPiece {
  dir: string;
  meta: ShardJson;
}

export interface MergedSuite {
  suite: string;
  dir: string;
  verdict: Verdict;
  runs: number;
  shards: number;
}

const refuse = (reason: string): never => {
  throw new ReportFolderError(`merge-reports: ${reason}`);
};

/**
 * Refuses pieces that are not the shards of one command, or not all of
 * them: another suite, side, release, provider, harness version, iteration
 * count, strictness or list of runs; a shard given twice or missing; a run
 * of the list that no shard ran, or that two did.
 */
export function checkPieces(pieces: readonly ShardPiece[]): void {
  const first = pieces[0] ?? refuse('no shard folders given');
  for (const p of pieces.slice(1)) {
    for (const key of SAME_IN_EVERY_SHARD) {
      const a = JSON.stringify(first.meta[key]);
      const b = JSON.stringify(p.meta[key]);
      if (a !== b) refuse(`${p.dir} has ${key} ${b} but ${first.dir} has ${a}: not shards of the same run`);
    }
    if (p.meta.shard.total !== first.meta.shard.total) refuse(`${p.dir} is shard ${p.meta.shard.index}/${p.meta.shard.total} but ${first.dir} is ${first.meta.shard.index}/${first.meta.shard.total}: not split the same way`);
  }
  const total = first.meta.shard.total;
  for (let i = 1; i <= total; i++) {
    const given = pieces.filter((p) => p.meta.shard.index === i);
    if (given.length > 1) refuse(`shard ${i}/${total} is given twice (${given.map((p) => p.dir).join(', ')})`);
    if (given.length === 0) refuse(`shard ${i}/${total} of suite ${first.meta.suite} is missing (given: ${pieces.map((p) => `${p.meta.shard.index}/${total}`).join(', ')}); a merged suite must hold every run`);
  }
  const ranBy = new Map<string, string>();
  for (const p of pieces) {
    for (const dir of p.meta.ran) {
      const other = ranBy.get(dir);
      if (other !== undefined) refuse(`run ${dir} is in two shards (${other}, ${p.dir})`);
      ranBy.set(dir, p.dir);
    }
  }
  const missing = first.meta.units.filter((u) => !ranBy.has(u.dir)).map((u) => u.dir);
  if (missing.length > 0) refuse(`no shard ran ${missing.join(', ')}`);
  const extra = [...ranBy.keys()].filter((d) => !first.meta.units.some((u) => u.dir === d));
  if (extra.length > 0) refuse(`${extra.join(', ')} ran but is not in the suite's list of runs`);
}

/** A run read back from its report.json, with the wall time its shard's summary.json kept. */
export function judgedFromReport(r: ReportJson, wall: JudgedRun['wall'] | null): JudgedRun {
  return {
    iteration: r.iteration,
    provider: r.provider,
    runId: r.run_id,
    versions: r.versions,
    startedAt: Date.parse(r.started_at),
    endedAt: Date.parse(r.ended_at),
    ...(r.error === null ? {} : { harnessError: r.error }),
    ...(wall === null || wall === undefined ? {} : { wall }),
    scenario: { name: r.scenario.name },
    // report.json's verdict is the run's (an error when it could not complete); the error above keeps it so.
    analysis: { verdict: r.verdict, metrics: r.metrics, sla: r.sla, checks: r.checks },
  };
}

/**
 * A piece's summary.json, or undefined when it has none or it does not
 * parse (a truncated upload): the merge reads from it only wall times and
 * `parallel`, never a verdict (those come from the runs' report.json), so
 * such a file fails nothing.
 */
function pieceSummary(piece: ShardPiece): Partial<SummaryJson> | undefined {
  const file = join(piece.dir, 'summary.json');
  if (!existsSync(file)) return undefined;
  try {
    const summary = readJson(file);
    return typeof summary === 'object' && summary !== null ? summary as Partial<SummaryJson> : undefined;
  } catch {
    return undefined;
  }
}

function wallOf(piece: ShardPiece, dir: string): JudgedRun['wall'] | null {
  return pieceSummary(piece)?.runs?.find((r) => r.dir === dir)?.wall ?? null;
}

/** The folder's pieces: the folder itself when it holds one of `markers`, else its subfolders that do (a downloaded artifact's layout). */
export function shardFolders(dir: string, markers: readonly string[]): string[] {
  const marked = (d: string) => markers.some((m) => existsSync(join(d, m)));
  if (!existsSync(dir) || marked(dir)) return [dir];
  const inner = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && marked(join(dir, e.name))).map((e) => join(dir, e.name)).sort();
  return inner.length > 0 ? inner : [dir];
}

/** The folder to merge into is new or empty: merging over a report would mix two runs' files. */
export function checkInto(into: string): void {
  if (existsSync(into) && readdirSync(into).length > 0) refuse(`--into ${into} exists and is not empty; give a new folder`);
}

/**
 * Merges the shards of one suite (or one side of an upgrade) into `into`.
 * The scenario verdicts are run's: the worst of the iterations and of the
 * lines judged over all of them, known findings applied as the shard that
 * read known-findings.yaml recorded them.
 */
export async function mergeSuiteShards(dirs: readonly string[], into: string): Promise<MergedSuite> {
  const pieces = dirs.map((dir) => ({ dir, meta: readShardJson(dir) }));
  checkPieces(pieces);
  const meta = (pieces[0] as ShardPiece).meta;
  const runs: Array<SuiteRun<JudgedRun> & { position: number; section: string | undefined }> = [];
  const sections = new Map(pieces.map((p) => {
    const html = join(p.dir, 'timeline.html');
    return [p.dir, existsSync(html) ? suiteTimelineSections(readFileSync(html, 'utf8'), p.meta.ran) : new Map<string, string>()] as const;
  }));
  for (const unit of meta.units) {
    const piece = pieces.find((p) => p.meta.ran.includes(unit.dir)) as ShardPiece;
    const from = join(piece.dir, unit.dir);
    if (!existsSync(join(from, 'report.json'))) refuse(`${piece.dir} lists ${unit.dir} as run, but ${from} has no report.json`);
    const report = readReport(join(from, 'report.json'));
    if (report.scenario.name !== unit.scenario || report.iteration !== unit.iteration) refuse(`${from}/report.json is ${report.scenario.name} #${report.iteration}, not ${unit.scenario} #${unit.iteration}`);
    cpSync(from, join(into, unit.dir), { recursive: true });
    runs.push({ run: judgedFromReport(report, wallOf(piece, unit.dir)), dir: join(into, unit.dir), position: unit.position, section: sections.get(piece.dir)?.get(unit.dir) });
  }
  const scenarios: ScenarioVerdict[] = meta.scenarios.flatMap((sc) => {
    const mine = runs.filter((r) => r.position === sc.position).sort((a, b) => a.run.iteration - b.run.iteration);
    if (mine.length === 0) return [];
    const first = mine[0] as SuiteRun<JudgedRun>;
    const over = meta.iterations > 1
      ? applyKnownFindings(judgeOverIterations({ sla: sc.over_iterations }, mine.map((r) => r.run.analysis)), sc.name, first.run.versions, sc.known_findings, { strict: meta.strict }).sla
      : [];
    const verdict = worstVerdict([...mine.map((r) => runVerdict(r.run)), ...(over.length > 0 ? [verdictOf(over, [])] : [])]);
    return [{ scenario: sc.name, verdict, sla_over_iterations: over }];
  });
  const verdict = worstVerdict(scenarios.map((s) => s.verdict));
  const starts = runs.map((r) => r.run.startedAt);
  // The most any machine ran at once: the merged timings are a serial run's only if every shard's were.
  const parallel = Math.max(1, ...pieces.map((p) => {
    const summary = pieceSummary(p);
    return (summary === undefined ? undefined : parallelOf(summary)) ?? 1;
  }));
  await writeSuiteFiles(into, meta.suite, runs, scenarios, () => suiteTimelinePage(meta.suite, verdict,
    runs.map((r) => r.section ?? `<section class="run"><h2>${escapeXml(`${r.run.scenario.name} #${r.run.iteration}`)}: no section in its shard's timeline.html</h2></section>`),
    starts.length > 0 ? Math.min(...starts) : undefined), parallel);
  return { suite: meta.suite, dir: into, verdict, runs: runs.length, shards: pieces.length };
}
