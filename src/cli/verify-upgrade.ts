/**
 * `verify-upgrade`: the same scenarios on the release in use and on the
 * one to upgrade to (or a saved report folder as the before side), then
 * the comparison, all under one folder. Everything is checked before the
 * first cluster starts.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../errors.js';
import { compareReports, savedSideExitCode } from '../report/compare.js';
import { comparisonMarkdown, comparisonText, incompleteWhy } from '../report/compare-text.js';
import { readReportSide } from '../report/read-reports.js';
import { ScenarioError } from '../scenario/errors.js';
import { parseOverrides } from '../scenario/overrides.js';
import type { Suite } from '../scenario/types.js';
import { checkParallel } from './parallel.js';
import { providerEntry, providerFor } from './providers.js';
import { runSuites, stamp } from './run-suites.js';
import { loadChecked } from './scenario-commands.js';
import { shardKeys, suiteUnits, type Shard, type Side } from './shard.js';

/** The provider that builds its clusters from a named release; verify-upgrade needs one (the others run what is installed). */
export const UPGRADE_PROVIDER = 'docker';
/** Resolved from the package, so the default works from any working directory, in src/ (tests) and dist/. */
export const DEFAULT_UPGRADE_SUITE = fileURLToPath(new URL('../../scenarios/docker-nightly.yaml', import.meta.url));
/** run's default: the docker provider chooses free ports and ignores it. */
const UPGRADE_PORT_BASE = 5000;
/** The comparison's rule needs distributions: with one run a side, every metric row is only indicative. */
export const DEFAULT_UPGRADE_ITERATIONS = 3;

export interface UpgradeOptions {
  from: string;
  to: string;
  iterations?: number;
  set: string[];
  reportDir: string;
  shard?: Shard;
  /** Runs of a side at once (run --parallel); both sides run with the same. */
  parallel?: number;
}

export interface UpgradePlan {
  outDir: string;
  /** A release to run, or a saved report folder that stands for the before side. */
  before: { release: string; suite: Suite; dir: string } | { reports: string };
  after: { release: string; suite: Suite; dir: string };
  /** Per scenario on each side: --iterations, else the suite's own when above the default, else the default. */
  iterations: number;
  /** --shard: this machine runs only its share of both sides' runs, and compares nothing. */
  shard?: Shard;
  /** --parallel: at most this many runs of a side at once; the sides still run one after the other. */
  parallel: number;
}

const flagIssue = (path: string, message: string) => new ScenarioError([{ file: '', line: 0, column: 0, path, message }]);

/**
 * Checks the whole request and says what will run where; throws invalid
 * input (exit 2) naming the flag or file at fault. Reads files, starts nothing.
 */
export function planUpgrade(targets: readonly string[], o: UpgradeOptions, provider = UPGRADE_PROVIDER): UpgradePlan {
  const releases = providerFor(provider, {}).catalog.releases;
  checkParallel(providerEntry(provider, undefined), o.parallel ?? 1, { portBase: UPGRADE_PORT_BASE });
  if (releases === undefined) throw flagIssue('--provider', `provider "${provider}" runs the components installed on this machine and takes no release; verify-upgrade needs one that builds them`);
  if (!releases.includes(o.to)) throw flagIssue('--to', `"${o.to}" is not a release; expected one of ${releases.join(', ')}`);
  if (parseOverrides(o.set).some((s) => s.path[0] === 'cluster' && s.path[1] === 'release')) {
    throw flagIssue('--set cluster.release', 'is set by --from and --to on each side; leave it out');
  }
  let fromRelease: string | undefined;
  if (releases.includes(o.from)) fromRelease = o.from;
  // A release name wins over a folder of the same name; `./bookworm` names the folder.
  else if (existsSync(o.from)) readReportSide(o.from);
  else throw flagIssue('--from', `"${o.from}" is neither a release (${releases.join(', ')}) nor a report folder`);
  const files = targets.length > 0 ? [...targets] : [DEFAULT_UPGRADE_SUITE];
  const outDir = join(o.reportDir, `${stamp()}-upgrade-${fromRelease ?? 'saved'}-to-${o.to}${o.shard === undefined ? '' : `-shard-${o.shard.index}of${o.shard.total}`}`);
  const side = (release: string, dir: string) => ({ release, dir, suite: oneSuite(loadChecked(files, [...o.set, `cluster.release=${release}`], provider)) });
  const after = side(o.to, join(outDir, 'after'));
  const before = fromRelease === undefined ? { reports: o.from } : side(fromRelease, join(outDir, 'before'));
  return { outDir, before, after, iterations: o.iterations ?? Math.max(DEFAULT_UPGRADE_ITERATIONS, after.suite.iterations), parallel: o.parallel ?? 1, ...(o.shard === undefined ? {} : { shard: o.shard }) };
}

/** Several targets make one suite per side, so that each side is one report folder that `compare` reads. */
function oneSuite(suites: Suite[]): Suite {
  const first = suites[0];
  if (suites.length === 1 && first !== undefined) return first;
  return { name: 'verify-upgrade', file: '', iterations: Math.max(1, ...suites.map((s) => s.iterations)), scenarios: suites.flatMap((s) => s.scenarios) };
}

/**
 * Runs the plan's sides one after the other, writes comparison.md and
 * comparison.json beside them and prints the table. Exit code: the table's
 * (1 on a regression, or a finding new or still failing after, which
 * includes any after run that could not be judged; 3 when a scenario could
 * not be judged before, or a row is unknown: evidence before, none after); never 0 while the after side's own run exit code
 * is not (that code then); 3 when the table says 0 but a run on the before
 * side could not complete, or a saved before folder holds one that could
 * not be judged, since the comparison is then incomplete.
 */
export async function runUpgrade(plan: UpgradePlan, provider = UPGRADE_PROVIDER): Promise<number> {
  const sides = plan.shard === undefined ? undefined : upgradeShard(plan, plan.shard);
  const run = async (label: Side, s: { release: string; suite: Suite; dir: string }) => {
    process.stderr.write(`\n=== ${label}: release ${s.release}, ${s.suite.scenarios.length} scenario(s) → ${s.dir}\n`);
    return runSuites([s.suite], {
      provider, reportDir: plan.outDir, keepCluster: false, portBase: UPGRADE_PORT_BASE, suiteDir: () => s.dir, iterations: plan.iterations, parallel: plan.parallel,
      ...(sides === undefined ? {} : { shard: { ...sides, side: label } }),
    });
  };
  // A saved before folder is held to what run said of it, as a before side that ran here is.
  const beforeCode = 'release' in plan.before ? await run('before', plan.before) : savedSideExitCode(plan.before.reports);
  const afterCode = await run('after', plan.after);
  if (plan.shard !== undefined) {
    await mkdir(plan.outDir, { recursive: true });
    await writeFile(join(plan.outDir, UPGRADE_SHARD_FILE), `${JSON.stringify(upgradeShardJson(plan, plan.shard), null, 2)}\n`);
    process.stdout.write(`\nshard ${plan.shard.index}/${plan.shard.total} of the upgrade: ${plan.outDir}; merge-reports puts the shards together and compares\n`);
    // A shard's own runs only: the comparison, and the gate, come from merge-reports.
    return Math.max(beforeCode, afterCode);
  }
  return writeComparison(plan.outDir, 'reports' in plan.before ? plan.before.reports : plan.before.dir, plan.after.dir, beforeCode, afterCode);
}

/** Compares the sides, writes comparison.md and comparison.json, prints the table; returns the exit code (upgradeExitCode). */
export async function writeComparison(outDir: string, beforeDir: string, afterDir: string, beforeCode: number, afterCode: number): Promise<number> {
  const comparison = compareReports(beforeDir, afterDir);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'comparison.json'), `${JSON.stringify(comparison, null, 2)}\n`);
  await writeFile(join(outDir, 'comparison.md'), comparisonMarkdown(comparison));
  process.stdout.write(`\n${comparisonText(comparison)}comparison: ${join(outDir, 'comparison.md')}\n`);
  return upgradeExitCode(comparison.exit_code, beforeCode, afterCode, incompleteWhy(comparison));
}

/**
 * The table's exit code, never 0 (nor 3) while the after side's run is red, and 3 when the before side could not complete
 * or the table is incomplete (`tableWhy`: compare-text's incompleteWhy, said on stderr).
 */
export function upgradeExitCode(tableCode: number, beforeCode: number, afterCode: number, tableWhy = ''): number {
  if (tableCode === EXIT.slaViolated) return tableCode;
  // The table already gates every red after side; this keeps `run`'s own judgement of the after side as the floor of the exit code.
  if (afterCode !== EXIT.pass) {
    process.stderr.write(`patroni-chaos: the after side's run exited ${afterCode}, so the upgrade is not verified: exit ${afterCode}\n`);
    return afterCode;
  }
  if (beforeCode === EXIT.harness || (tableCode === EXIT.harness && tableWhy === '')) {
    process.stderr.write('patroni-chaos: a run on the before side could not complete or be judged (verdict error), so the comparison is incomplete: exit 3\n');
    return EXIT.harness;
  }
  if (tableCode === EXIT.harness) {
    process.stderr.write(`patroni-chaos: the comparison is incomplete (${tableWhy}): exit 3\n`);
    return EXIT.harness;
  }
  return tableCode;
}

/** One split over both sides' runs, so that each shard has a share of each. */
function upgradeShard(plan: UpgradePlan, shard: Shard) {
  const units = [...('release' in plan.before ? suiteUnits(plan.before.suite, plan.iterations, 'before') : []), ...suiteUnits(plan.after.suite, plan.iterations, 'after')];
  return { shard, keys: shardKeys(units, shard) };
}

/** upgrade-shard.json: the upgrade's sides as merge-reports needs them; before/ and after/ hold each side's shard.json. */
export interface UpgradeShardJson {
  from: string;
  to: string;
  /** --from named a saved report folder: the before side, as the shards were given it. */
  before_reports: string | null;
  iterations: number;
  shard: Shard;
}
export const UPGRADE_SHARD_FILE = 'upgrade-shard.json';

function upgradeShardJson(plan: UpgradePlan, shard: Shard): UpgradeShardJson {
  return {
    from: 'release' in plan.before ? plan.before.release : plan.before.reports,
    to: plan.after.release,
    before_reports: 'reports' in plan.before ? resolve(plan.before.reports) : null,
    iterations: plan.iterations,
    shard,
  };
}
