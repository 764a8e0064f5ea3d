import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { intArg } from './args.js';
import { EXIT, exitCodeFor, errorMessage } from '../errors.js';
import { clusterDown, clusterStatus, clusterUp } from './cluster-commands.js';
import { installShutdownHandlers } from './shutdown.js';
import { registerScenarioCommands } from './scenario-commands.js';

function replicationArg(v: string): 'synchronous' | 'asynchronous' {
  if (v === 'sync' || v === 'synchronous') return 'synchronous';
  if (v === 'async' || v === 'asynchronous') return 'asynchronous';
  throw new InvalidArgumentError('expected sync or async');
}

export function buildProgram(): Command {
  const program = new Command('patroni-chaos')
    .description('Chaos and failover tests for Patroni-managed PostgreSQL clusters')
    .exitOverride()
    .showHelpAfterError();
  const cluster = program.command('cluster').description('start, inspect and stop a local cluster by hand');
  cluster
    .command('up')
    .description('start a cluster (3 etcd, 3 Patroni/PostgreSQL, HAProxy) and keep it up until Ctrl-C')
    .option('--port-base <n>', 'first port of the 100-port block the cluster uses', intArg('--port-base', 1024, 65400), 5000)
    .option('--replication <mode>', 'sync or async', replicationArg, 'synchronous' as const)
    .action(async (o: { portBase: number; replication: 'synchronous' | 'asynchronous' }) => clusterUp(o));
  cluster.command('status').description('members, roles, timeline and lag of running clusters').action(async () => {
    process.stdout.write(`${await clusterStatus()}\n`);
  });
  cluster.command('down').description('stop every running cluster and reap what killed runs left').action(async () => {
    process.stdout.write(`${await clusterDown()}\n`);
  });
  registerScenarioCommands(program);
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

installShutdownHandlers();
const code = await main(process.argv.slice(2));
process.exit(code);
