import type { Command } from 'commander';
import { compareReports } from '../report/compare.js';
import { comparisonText } from '../report/compare-text.js';

export function registerCompareCommands(program: Command): void {
  program
    .command('compare')
    .description('compare two report folders (before and after a change) per scenario and metric; exit 1 on a regression or a new finding')
    .argument('<before>', 'report folder of a run or a suite')
    .argument('<after>', 'report folder of a run or a suite')
    .option('--json', 'print the comparison as JSON (what verify-upgrade writes to comparison.json)', false)
    .action((before: string, after: string, o: { json: boolean }) => {
      const c = compareReports(before, after);
      process.stdout.write(o.json ? `${JSON.stringify(c, null, 2)}\n` : comparisonText(c));
      process.exitCode = c.exit_code;
    });
}
