import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { isAlertRuleFile } from '../alerts/rules.js';
import { EXIT } from '../errors.js';
import { loadTargets } from '../scenario/load.js';
import { KNOWN_FINDINGS_ROOT, knownFindingsBeside } from '../scenario/load-known-findings.js';
import { ScenarioError } from '../scenario/errors.js';
import { checkSuites } from '../scenario/targets.js';
import { faultsOf } from '../scenario/steps.js';
import type { Suite } from '../scenario/types.js';
import type { ProviderEntry } from '../cluster/types.js';
import { providerEntry, providerFor, PROVIDERS, type ProviderName } from './providers.js';
import { runSuites, stamp } from './run-suites.js';
import { shardArg, shardKeys, suiteUnits, type Shard } from './shard.js';
import { table } from './table.js';
import { withInvariants } from '../checks/invariants.js';
import { intArg, urlArg } from './args.js';
import { checkParallel, MAX_PORT_BASE, parallelArg } from './parallel.js';
import { writeJson } from './output.js';

const collect = (v: string, prev: string[]) => [...prev, v];

/** One line of `list --json`: a scenario file, or a suite with its scenarios. `file` is relative to --dir, with `/`. */
export interface ListEntry {
  file: string;
  kind: 'scenario' | 'suite';
  name: string;
  tags: string[];
  description: string;
  iterations?: number;
  scenarios?: Array<{ name: string; tags: string[] }>;
}

function firstSentence(text: string, max = 90): string {
  const sentence = /^[^.;]*[.;]?/.exec(text)?.[0] ?? text;
  return sentence.length <= max ? sentence : `${sentence.slice(0, max - 1)}…`;
}

/** Every *.yaml / *.yml under `dir`, subfolders included (hidden ones not), relative to it with `/`, sorted. */
function yamlFilesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => {
      const rel = `${prefix}${e.name}`;
      if (e.isDirectory()) return yamlFilesUnder(dir, `${rel}/`);
      return e.isFile() && /\.ya?ml$/i.test(e.name) ? [rel] : [];
    })
    .sort();
}

/**
 * What `list` shows, as text and as JSON: every scenario and suite file
 * under `dir` (subfolders too; known-findings and alert rule files left out). With `tag`,
 * only the scenario files having it and the suites holding at least one
 * scenario having it (a suite's entry still lists all its scenarios).
 */
export function listRows(dir: string, tag?: string): ListEntry[] {
  const root = resolve(dir);
  const files = yamlFilesUnder(root)
    .map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }))
    .filter((f) => !new RegExp(`^${KNOWN_FINDINGS_ROOT}:`, 'm').test(f.text) && !isAlertRuleFile(f.text));
  const suites = loadTargets(files.map((f) => join(root, f.file)));
  const entries = suites.map((s, i): ListEntry => {
    const { file = '', text = '' } = files[i] ?? {};
    const first = s.scenarios[0];
    return /^suite:/m.test(text)
      ? { file, kind: 'suite', name: s.name, tags: [], description: '', iterations: s.iterations, scenarios: s.scenarios.map((x) => ({ name: x.name, tags: [...x.tags] })) }
      : { file, kind: 'scenario', name: first?.name ?? s.name, tags: [...(first?.tags ?? [])], description: first?.description ?? '' };
  });
  if (tag === undefined) return entries;
  return entries.filter((e) => (e.kind === 'suite' ? (e.scenarios ?? []).some((x) => x.tags.includes(tag)) : e.tags.includes(tag)));
}

/**
 * `run --tag`: each suite keeps only its scenarios having `tag` (in order,
 * repeats and the suite's iterations kept); suites left empty are dropped.
 * Nothing left is invalid input, naming the tags the targets do have.
 */
export function withTag(suites: readonly Suite[], tag: string): Suite[] {
  const kept = suites
    .map((s) => ({ ...s, scenarios: s.scenarios.filter((sc) => sc.tags.includes(tag)) }))
    .filter((s) => s.scenarios.length > 0);
  if (kept.length > 0) return kept;
  const present = [...new Set(suites.flatMap((s) => s.scenarios.flatMap((sc) => sc.tags)))].sort();
  throw new ScenarioError([{ file: '', line: 0, column: 0, path: '--tag', message: `no scenario in the targets has tag "${tag}"; ${present.length === 0 ? 'they have no tags at all' : `their tags: ${present.join(', ')}`}` }]);
}

/** Loads and checks every target against the provider's catalog; invalid input throws before anything starts. */
export function loadChecked(paths: string[], sets: string[], provider: ProviderName, clusterFile?: string): Suite[] {
  const suites = loadTargets(paths, sets);
  const issues = checkSuites(suites, providerFor(provider, clusterFile === undefined ? {} : { clusterFile }).catalog);
  if (issues.length > 0) throw new ScenarioError(issues);
  // A broken known-findings.yaml is invalid input too, found before any cluster starts.
  knownFindingsBeside(suites.flatMap((s) => s.scenarios.map((sc) => sc.file)));
  return suites;
}

export function registerScenarioCommands(program: Command): void {
  program
    .command('run')
    .description('run scenarios, suites or directories of scenarios against a fresh cluster each')
    .argument('<targets...>', 'scenario files, suite files or directories')
    .addOption(new Option('--provider <name>', 'cluster provider').choices(PROVIDERS).default('local'))
    .option('--iterations <n>', 'run each scenario N times (overrides the suite)', intArg('--iterations', 1, 1000))
    .option('--set <path=value>', 'override a scenario field, e.g. cluster.patroni.ttl=60 (repeatable)', collect, [])
    .option('--report-dir <dir>', 'where reports go', 'reports')
    .option('--keep-cluster', 'leave the data directories in place after the run, for inspection', false)
    .option('--port-base <n>', 'first port of the 100-port block the cluster uses (with --parallel N, the first of N blocks)', intArg('--port-base', 1024, MAX_PORT_BASE), 5000)
    .option('--toxiproxy <url>', 'use this Toxiproxy for network faults instead of the built-in one (env PATRONI_CHAOS_TOXIPROXY)', urlArg, process.env['PATRONI_CHAOS_TOXIPROXY'])
    .option('--strict', 'count known findings (known-findings.yaml) as failures', false)
    .option('--cluster-file <file>', 'external: the cluster to attach to (endpoints, containers, where the passwords are)')
    .option('--confirm-cluster <scope>', 'external: the Patroni scope of that cluster, typed again to confirm it may be written to and faulted')
    .option('--json', 'one JSON document on stdout at the end (verdict, exit_code, each suite\'s summary); progress and verdict lines on stderr')
    .option('--tag <tag>', 'run only the scenarios (of every target) that have this tag; a suite left with none is skipped')
    .option('--shard <i/N>', 'run only the i-th of N shards of the runs (split by expected duration, the same on every machine); merge-reports puts the shards\' folders together', shardArg)
    .option('--parallel <n>', 'run up to N of a suite\'s runs at once on this machine, each on a cluster of its own (local: N port blocks from --port-base; not external); their timings are not comparable with a serial run\'s unless measured (docs/cli.md)', parallelArg, 1)
    .action(async (targets: string[], o: { provider: ProviderName; iterations?: number; set: string[]; reportDir: string; keepCluster: boolean; portBase: number; toxiproxy?: string; strict: boolean; clusterFile?: string; confirmCluster?: string; json?: boolean; tag?: string; shard?: Shard; parallel: number }, cmd: Command) => {
      if (o.provider !== 'local') {
        // These shape the local provider's processes and ports; another provider would silently ignore them.
        const localOnly = (['keepCluster', 'portBase', 'toxiproxy'] as const).filter((k) => cmd.getOptionValueSource(k) === 'cli');
        if (localOnly.length > 0) {
          const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
          throw new ScenarioError([{ file: '', line: 0, column: 0, path: localOnly.map(flag).join(', '), message: `only the local provider takes this; provider "${o.provider}" does not` }]);
        }
      }
      checkParallel(providerEntry(o.provider, o.clusterFile), o.parallel, o);
      const loaded = loadChecked(targets, o.set, o.provider, o.clusterFile);
      const suites = o.tag === undefined ? loaded : withTag(loaded, o.tag);
      confirmRun(providerEntry(o.provider, o.clusterFile), suites, o.confirmCluster);
      const { shard, ...rest } = o;
      process.exitCode = await runSuites(suites, { ...rest, ...(shard === undefined ? {} : { shard: shardOf(suites, o.iterations, shard), suiteDir: (s: Suite) => join(o.reportDir, `${stamp()}-${s.name}-shard-${shard.index}of${shard.total}`) }) });
    });

  program
    .command('validate')
    .description('check scenario and suite files without starting anything')
    .argument('<files...>')
    .addOption(new Option('--provider <name>', 'check against this provider').choices(PROVIDERS).default('local'))
    .option('--set <path=value>', 'override a field before validating (repeatable)', collect, [])
    .option('--cluster-file <file>', 'external: the cluster file to check against')
    .action((files: string[], o: { provider: ProviderName; set: string[]; clusterFile?: string }) => {
      const suites = loadChecked(files, o.set, o.provider, o.clusterFile);
      for (const s of suites) {
        for (const sc of s.scenarios) {
          const core = withInvariants(sc.sla, sc.cluster.replication).filter((r) => r.core === true);
          process.stdout.write(`ok  ${sc.file ?? sc.name}: ${sc.name}, ${sc.steps.length} steps, SLA ${sc.sla.map((r) => `${r.metric} ${r.threshold}${r.stat ? ` (${r.stat})` : ''}`).join(', ')}; every run: ${core.map((r) => `${r.metric} ${r.threshold}`).join(', ')}\n`);
        }
      }
      process.exitCode = EXIT.pass;
    });

  program
    .command('list')
    .description('the shipped scenarios and suites (subfolders of --dir too)')
    .option('--dir <dir>', 'scenario folder', 'scenarios')
    .option('--tag <tag>', 'only scenarios with this tag, and suites holding one')
    .option('--json', 'one JSON document on stdout: [{file, kind, name, tags, description, scenarios?, iterations?}]')
    .action((o: { dir: string; tag?: string; json?: boolean }) => {
      const entries = listRows(o.dir, o.tag);
      if (o.json) return writeJson(entries);
      if (entries.length === 0 && o.tag !== undefined) {
        process.stdout.write(`no scenario or suite in ${o.dir} has tag "${o.tag}"\n`);
        return;
      }
      const rows = entries.map((e) => e.kind === 'suite'
        ? [e.file, 'suite', `${e.scenarios?.length ?? 0} scenarios x ${e.iterations ?? 1}: ${(e.scenarios ?? []).map((x) => x.name).join(', ')}`]
        : [e.file, e.tags.join(','), firstSentence(e.description)]);
      process.stdout.write(`${table(['file', 'tags', 'description'], rows)}\n`);
    });
}

/** `run --shard`: this shard's units out of every suite's runs. */
function shardOf(suites: readonly Suite[], iterations: number | undefined, shard: Shard) {
  return { shard, keys: shardKeys(suites.flatMap((s) => suiteUnits(s, iterations ?? s.iterations)), shard) };
}

/** The provider's gate before anything is touched (external: the scope typed again, faults allowed by its file); others need none. */
export function confirmRun(entry: Pick<ProviderEntry, 'confirm'>, suites: readonly Suite[], typed: string | undefined): void {
  const faulting = [...new Set(suites.flatMap((s) => s.scenarios).filter((sc) => sc.steps.some((st) => faultsOf(st).length > 0)).map((sc) => sc.name))];
  entry.confirm?.({ typed, faulting });
}
