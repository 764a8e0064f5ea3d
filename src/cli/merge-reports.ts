/**
 * `merge-reports <dir>... --into <dir>`: the shards of `run --shard` or
 * `verify-upgrade --shard`, from several machines, as one folder; exits
 * as the unsharded command would have.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkInto, mergeSuiteShards, shardFolders, type MergedSuite } from '../report/merge.js';
import { readJson, ReportFolderError } from '../report/read-reports.js';
import { SHARD_FILE } from '../report/shard-json.js';
import { verdictExitCode } from '../report/verdict.js';
import { savedSideExitCode } from '../report/compare.js';
import { UPGRADE_SHARD_FILE, writeComparison, type UpgradeShardJson } from './verify-upgrade.js';

const say = (text: string) => process.stdout.write(text);

function sayMerged(m: MergedSuite, label = ''): void {
  say(`${label}suite ${m.suite}: ${m.verdict.toUpperCase()} (${m.runs} runs from ${m.shards} shards), summary ${join(m.dir, 'summary.md')}\n`);
}

/** Merges suite shards, or upgrade shards (each with before/ and after/), into `into`; returns the exit code. */
export async function mergeReports(given: readonly string[], into: string): Promise<number> {
  const dirs = given.flatMap((d) => shardFolders(d, [SHARD_FILE, UPGRADE_SHARD_FILE]));
  const upgrade = dirs.filter((d) => existsSync(join(d, UPGRADE_SHARD_FILE)));
  if (upgrade.length > 0 && upgrade.length < dirs.length) {
    throw new ReportFolderError(`merge-reports: ${upgrade.join(', ')} ${upgrade.length === 1 ? 'is a verify-upgrade shard' : 'are verify-upgrade shards'}, the others are not: not shards of the same command`);
  }
  checkInto(into);
  if (upgrade.length > 0) return mergeUpgrade(upgrade, into);
  const merged = await mergeSuiteShards(dirs, into);
  sayMerged(merged);
  const code = verdictExitCode(merged.verdict);
  say(`exit ${code}, as run would have exited\n`);
  return code;
}

/** Both sides merged, then compared as verify-upgrade compares them, with its exit rules. */
async function mergeUpgrade(dirs: readonly string[], into: string): Promise<number> {
  const metas = dirs.map((dir) => ({ dir, meta: readJson(join(dir, UPGRADE_SHARD_FILE)) as UpgradeShardJson }));
  const first = metas[0];
  if (first === undefined) throw new ReportFolderError('merge-reports: no shard folders given');
  for (const m of metas.slice(1)) {
    for (const key of ['from', 'to', 'iterations', 'before_reports'] as const) {
      if (JSON.stringify(m.meta[key]) !== JSON.stringify(first.meta[key])) {
        throw new ReportFolderError(`merge-reports: ${m.dir} has ${key} ${JSON.stringify(m.meta[key])} but ${first.dir} has ${JSON.stringify(first.meta[key])}: not shards of the same upgrade`);
      }
    }
  }
  const saved = first.meta.before_reports;
  const before = saved === null ? await mergeSuiteShards(dirs.map((d) => join(d, 'before')), join(into, 'before')) : undefined;
  const after = await mergeSuiteShards(dirs.map((d) => join(d, 'after')), join(into, 'after'));
  if (before !== undefined) sayMerged(before, 'before: ');
  sayMerged(after, 'after: ');
  // A saved before folder is held to what run said of it, as verify-upgrade holds it.
  const beforeCode = saved !== null ? savedSideExitCode(saved) : verdictExitCode(before?.verdict ?? 'error');
  const code = await writeComparison(into, saved ?? join(into, 'before'), join(into, 'after'), beforeCode, verdictExitCode(after.verdict));
  say(`exit ${code}, as verify-upgrade would have exited\n`);
  return code;
}

export function registerMergeCommand(program: Command): void {
  program
    .command('merge-reports')
    .description('put the report folders of the shards of one run (run or verify-upgrade --shard i/N) together as one, as if one machine had run it; exit as that run would have (0 pass, 1 fail, 3 error), 2 when the folders are not every shard of the same run')
    .argument('<dirs...>', 'each shard\'s report folder (or a folder holding them, as downloaded artifacts are)')
    .requiredOption('--into <dir>', 'the merged folder, new or empty (the shards\' folders are left as they are)')
    .action(async (dirs: string[], o: { into: string }) => {
      process.exitCode = await mergeReports(dirs, o.into);
    });
}


