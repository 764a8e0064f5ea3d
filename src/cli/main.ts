import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { PROVIDERS } from '../cluster/registry.js';
import { intArg } from './args.js';
import { EXIT, exitCodeFor, errorMessage } from '../errors.js';
import { clusterDown, clusterUp } from './cluster-commands.js';
import { clusterStatus, clusterStatusJson } from './cluster-status.js';
import { versionJson, versionText } from './components.js';
import { writeJson } from './output.js';
import { registerScenarioCommands } from './scenario-commands.js';
import { registerCompareCommands } from './compare-commands.js';
import { registerMergeCommand } from './merge-reports.js';
import { TOPOLOGIES, type Topology } from '../sla/types.js';

function replicationArg(v: string): 'synchronous' | 'asynchronous' {
  if (v === 'sync' || v === 'synchronous') return 'synchronous';
  if (v === 'async' || v === 'asynchronous') return 'asynchronous';
  throw new InvalidArgumentError('expected sync or async');
}

export function buildProgram(): Command {
  const program = new Command('patroni-chaos')
    .description('Chaos and failover tests for Patroni-managed PostgreSQL clusters')
    .exitOverride()
    .showHelpAfterError()
    // The program's own options only before a command: `cluster status --json` is the command's.
    .enablePositionalOptions()
    // Not commander's .version(): that prints and exits at once, before --components is read.
    .option('-V, --version', 'print the harness version')
    .option('--components', 'with --version: the versions of what is tested (Patroni and PostgreSQL per member, etcd, HAProxy) of every running cluster, or of a report with --report, or else the binaries a local run would start')
    .option('--report <dir>', 'with --version --components: read the versions a run or suite recorded in this report folder')
    .option('--json', 'with --version: one JSON document on stdout')
    .allowExcessArguments()
    .action(async (o: { version?: boolean; components?: boolean; report?: string; json?: boolean }, cmd: Command) => {
      if (cmd.args.length > 0) program.error(`error: unknown command '${cmd.args[0] ?? ''}'`, { code: 'commander.unknownCommand', exitCode: 1 });
      if (!o.version) {
        if (o.components || o.report !== undefined || o.json) program.error('error: --components, --report and --json go with --version (or after a command)', { exitCode: 1 });
        program.help({ error: true });
      }
      if (o.report !== undefined && !o.components) program.error('error: --report goes with --version --components', { exitCode: 1 });
      const v = await versionJson({ ...(o.components ? { components: true } : {}), ...(o.report === undefined ? {} : { report: o.report }) });
      if (o.json) writeJson(v);
      else process.stdout.write(`${versionText(v)}\n`);
    });
  // The provider whose releases `cluster up --release` and `images build` name (docker's).
  const releasing = [...PROVIDERS.values()].find((p) => p.releases !== undefined && p.prepare !== undefined);
  const RELEASES = releasing?.releases ?? [];
  const cluster = program.command('cluster').description('start, inspect and stop a cluster by hand');
  cluster
    .command('up')
    .description('start a cluster (3 etcd, 3 Patroni/PostgreSQL, HAProxy) and keep it up until Ctrl-C')
    .addOption(new Option('--provider <name>', 'cluster provider').choices([...PROVIDERS.keys()]).default('local'))
    .option('--port-base <n>', 'local: first port of the 100-port block the cluster uses', intArg('--port-base', 1024, 65400), 5000)
    .addOption(new Option('--release <release>', 'docker: the Debian release whose packages make the cluster').choices([...RELEASES]))
    .option('--replication <mode>', 'sync or async', replicationArg, 'synchronous' as const)
    .addOption(new Option('--topology <name>', 'minimal (one HAProxy to PostgreSQL) or seeds (docker: the documents\' VIP over two HAProxies, PgBouncer on every member)').choices([...TOPOLOGIES]))
    .action(async (o: { provider: string; portBase: number; release?: string; replication: 'synchronous' | 'asynchronous'; topology?: Topology }) => clusterUp(o));
  cluster
    .command('status')
    .description('members, roles, timeline and lag of running clusters')
    .option('--json', 'one JSON document on stdout: {clusters: [{provider, run_id, members, ...}]}')
    .action(async (o: { json?: boolean }) => {
      if (o.json) writeJson(await clusterStatusJson());
      else process.stdout.write(`${await clusterStatus()}\n`);
    });
  cluster.command('down').description('stop every running cluster and reap what killed runs left').action(async () => {
    process.stdout.write(`${await clusterDown()}\n`);
  });
  const images = program.command('images').description('the docker provider\'s images, built locally from Debian\'s archive');
  images
    .command('build')
    .description('build the images of a release (or of every release); unchanged inputs make it a no-op')
    .addOption(new Option('--release <release>', 'only this release').choices([...RELEASES]))
    .action(async (o: { release?: string }) => {
      const t0 = Date.now();
      const say = (m: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
      for (const release of o.release ? [o.release] : RELEASES) {
        process.stdout.write(`${await releasing?.prepare?.(release, say)}\n`);
      }
    });
  registerScenarioCommands(program);
  registerCompareCommands(program);
  registerMergeCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT.pass : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? EXIT.pass : EXIT.invalidInput;
    }
    process.stderr.write(`patroni-chaos: ${errorMessage(err)}\n`);
    return exitCodeFor(err);
  }
}
