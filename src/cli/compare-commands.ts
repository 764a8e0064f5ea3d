import type { Command } from 'commander';
import { compareReports } from '../report/compare.js';
import { comparisonText } from '../report/compare-text.js';
import { intArg } from './args.js';
import { shardArg, type Shard } from './shard.js';
import { parallelArg } from './parallel.js';
import { DEFAULT_UPGRADE_ITERATIONS, planUpgrade, runUpgrade } from './verify-upgrade.js';

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerCompareCommands(program: Command): void {
  program
    .command('compare')
    .description('compare two report folders (before and after a change) per scenario and metric; exit 1 on a regression or anything failing after (a finding new or still failing), else 3 when the comparison is incomplete (a scenario could not be judged before, or evidence before has none after: unknown)')
    .argument('<before>', 'report folder of a run or a suite')
    .argument('<after>', 'report folder of a run or a suite')
    .option('--json', 'print the comparison as JSON (what verify-upgrade writes to comparison.json)', false)
    .action((before: string, after: string, o: { json: boolean }) => {
      const c = compareReports(before, after);
      process.stdout.write(o.json ? `${JSON.stringify(c, null, 2)}\n` : comparisonText(c));
      process.exitCode = c.exit_code;
    });

  program
    .command('verify-upgrade')
    .description('run the same scenarios on two docker releases (or a saved report folder and a release) and compare them; exit 1 on a regression or anything failing after (a finding new or still failing), else 3 when a run on the before side could not complete or be judged, or evidence before has none after (unknown)')
    .argument('[scenarios...]', 'scenario files, suite files or directories (default: scenarios/docker-nightly.yaml)')
    .requiredOption('--from <release|dir>', 'the release in use (bookworm, trixie, forky), or a report folder saved from it')
    .requiredOption('--to <release>', 'the release to upgrade to')
    .option('--iterations <n>', `run each scenario N times on each side (default ${DEFAULT_UPGRADE_ITERATIONS}, or the suite's own if more; with 1 the metric comparison is only indicative)`, intArg('--iterations', 1, 1000))
    .option('--set <path=value>', 'override a scenario field on both sides (repeatable); not cluster.release', collect, [])
    .option('--report-dir <dir>', 'where the upgrade folder goes (before/, after/, comparison.md, comparison.json)', 'reports')
    .option('--shard <i/N>', 'run only the i-th of N shards of both sides\' runs and compare nothing; merge-reports puts the shards together and compares', shardArg)
    .option('--parallel <n>', 'run up to N of a side\'s runs at once, each on a cluster of its own; both sides alike, one side after the other (docs/cli.md)', parallelArg, 1)
    .action(async (targets: string[], o: { from: string; to: string; iterations?: number; set: string[]; reportDir: string; shard?: Shard; parallel: number }) => {
      const plan = planUpgrade(targets, o);
      process.exitCode = await runUpgrade(plan);
    });
}
