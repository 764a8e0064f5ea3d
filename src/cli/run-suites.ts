import { join } from 'node:path';
import { EXIT } from '../errors.js';
import { runVerdict, worstVerdict } from '../report/verdict.js';
import { writeRunReport, writeSuiteSummary } from '../report/write.js';
import type { SuiteRun } from '../report/summary.js';
import type { Suite } from '../scenario/types.js';
import { runScenario } from '../runner/run-scenario.js';
import { formatDuration, formatMetric } from '../report/format.js';
import { providerFor, type ProviderName } from './providers.js';

export interface RunSuitesOptions {
  provider: ProviderName;
  iterations?: number;
  reportDir: string;
  keepCluster: boolean;
  portBase: number;
  toxiproxy?: string;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** Runs every scenario of every suite on a fresh cluster each; returns the exit code of the CLI contract. */
export async function runSuites(suites: Suite[], o: RunSuitesOptions): Promise<number> {
  const provider = providerFor(o.provider, { portBase: o.portBase, keepCluster: o.keepCluster, ...(o.toxiproxy ? { toxiproxy: o.toxiproxy } : {}) });
  const verdicts: string[] = [];
  for (const suite of suites) {
    const suiteDir = join(o.reportDir, `${stamp()}-${suite.name}`);
    const iterations = o.iterations ?? suite.iterations;
    const single = suite.scenarios.length === 1 && iterations === 1;
    const runs: SuiteRun[] = [];
    for (const [i, scenario] of suite.scenarios.entries()) {
      for (let it = 1; it <= iterations; it++) {
        const dir = single ? suiteDir : join(suiteDir, `${String(i + 1).padStart(2, '0')}-${scenario.name}${iterations > 1 ? `-${it}` : ''}`);
        process.stderr.write(`\n== ${scenario.name}${iterations > 1 ? ` (iteration ${it}/${iterations})` : ''}: ${scenario.description.split('\n')[0]}\n`);
        const run = await runScenario(scenario, { provider: provider.create, dir, iteration: it });
        await writeRunReport(dir, run);
        const verdict = runVerdict(run);
        verdicts.push(verdict);
        runs.push({ run, dir });
        const m = run.analysis.metrics;
        const failed = run.analysis.sla.filter((s) => !s.pass).map((s) => `${s.metric} ${s.observed === null ? 'not measured' : formatMetric(s.metric, s.observed)} (${Math.round(s.observed ?? NaN)}) vs ${s.threshold}`);
        process.stdout.write(`${verdict.toUpperCase()}  ${scenario.name}  rto ${m.rto_ms === null ? '-' : formatDuration(m.rto_ms)}, lost ${m.lost_writes ?? '-'}, max primaries ${m.max_concurrent_primaries ?? '-'}${run.harnessError ? `  error: ${run.harnessError.message}` : failed.length ? `  violated: ${failed.join('; ')}` : ''}\n    report: ${join(dir, 'report.md')}\n`);
      }
    }
    if (!single) {
      const paths = await writeSuiteSummary(suiteDir, suite.name, runs);
      process.stdout.write(`suite ${suite.name}: ${worstVerdict(runs.map((r) => runVerdict(r.run)))}, summary ${paths.markdown ?? suiteDir}\n`);
    }
  }
  if (verdicts.includes('error')) return EXIT.harness;
  return verdicts.includes('fail') ? EXIT.slaViolated : EXIT.pass;
}
