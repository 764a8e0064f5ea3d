/**
 * The workflows in .github/workflows (and the npm scripts they call) run
 * the CLI as README and docs/ document it: each invocation names a command
 * and options that the program built by src/cli has, and that the pages show.
 * Data-driven: a command another branch adds passes once it is there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from './cli/main.js';
import { RELEASES } from './cluster/docker/releases.js';
import { checkUsage, isCli, type Usage } from './test-support/cli-usage.js';
import { readDocs } from './test-support/markdown.js';
import { shellCommands } from './test-support/shell-words.js';

const ROOT = new URL('../', import.meta.url);
const DIR = new URL('.github/workflows/', ROOT);
const read = (u: URL): string => readFileSync(u, 'utf8');
/** README.md and docs/*.md, where the commands are documented. */
const DOCS = readDocs(ROOT).map((p) => p.text).join('\n');
const SCRIPTS = (JSON.parse(read(new URL('package.json', ROOT))) as { scripts: Record<string, string> }).scripts;

interface Step { run?: string; uses?: string; with?: Record<string, unknown>; if?: string }
interface Job { steps: Step[]; 'runs-on'?: string; needs?: string | string[]; if?: string; strategy?: { matrix?: Record<string, unknown> } }
interface Workflow { on: Record<string, unknown>; jobs: Record<string, Job> }

const workflows = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort()
  .map((file) => ({ file, doc: parse(read(new URL(file, DIR))) as Workflow }));
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);

/** The CLI invocations of a script, following `npm run X` into package.json's scripts. */
function invocations(script: string, seen = new Set<string>()): string[][] {
  return shellCommands(script).flatMap((words) => {
    const at = words.findIndex(isCli);
    if (at !== -1) return [words.slice(at + 1)];
    const npm = words[0] === 'npm' && words[1] === 'run' ? words[2] : undefined;
    const body = npm === undefined ? undefined : SCRIPTS[npm];
    if (npm === undefined || body === undefined || seen.has(npm)) return [];
    return invocations(body, new Set([...seen, npm]));
  });
}

const calls = workflows.flatMap(({ file, doc }) => Object.entries(doc.jobs).flatMap(([job, j]) => j.steps.flatMap((s) => (s.run === undefined ? [] : invocations(s.run).map((args) => ({ file, job, args }))))));

/**
 * A workflow split over a matrix of shards: the job running `command` has a
 * matrix `shard: [1..N]` and passes `--shard ${{ matrix.shard }}/N`; a job
 * that needs it, and runs even when a shard failed, merges the shards'
 * artifacts with merge-reports. Returns the merge job.
 */
function shardedThenMerged(file: string, command: string): Job & { name: string } {
  const w = workflows.find((x) => x.file === file)?.doc as Workflow;
  const runCall = calls.find((c) => c.file === file && c.args[0] === command);
  const job = w.jobs[runCall?.job ?? ''];
  const shards = job?.strategy?.matrix?.['shard'];
  expect(Array.isArray(shards) && shards.length > 1, `${file}: a matrix over shards`).toBe(true);
  const n = (shards as unknown[]).length;
  expect(shards).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  const at = runCall?.args.indexOf('--shard') ?? -1;
  expect(runCall?.args[at + 1], `${file}: --shard \${{ matrix.shard }}/${n}`).toBe(`\${{ matrix.shard }}/${n}`);
  expect(job?.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.if === 'always()')).toBe(true);
  const merges = calls.filter((c) => c.file === file && c.args[0] === 'merge-reports');
  expect(merges.map((c) => c.args.includes('--into')), `${file}: one merge-reports --into`).toEqual([true]);
  const name = merges[0]?.job ?? '';
  const merge = w.jobs[name] as Job;
  expect([merge.needs].flat()).toContain(runCall?.job);
  // A failed shard still gets merged: merge-reports is what says a shard is missing.
  expect(merge.if).toBe('always()');
  expect(merge.steps.some((s) => s.uses?.startsWith('actions/download-artifact@'))).toBe(true);
  return { ...merge, name };
}

/** The pages' words for a command path: `patroni-chaos cluster status` or `bin/patroni-chaos.js cluster status`, flags anywhere. */
function documented(u: Usage, docs = DOCS): string[] {
  const missing: string[] = [];
  const path = u.path.join(' ');
  if (path !== '' && !new RegExp(`patroni-chaos(\\.js)? (\\[?--?[\\w-]+[^\\n]*?\\]? )*${path.replace(/ /g, ' ([^\\n]*? )?')}\\b`).test(docs)) missing.push(`README and docs/ never show "patroni-chaos ${path}"`);
  for (const o of u.options) if (!docs.includes(o)) missing.push(`README and docs/ never mention ${o}`);
  return missing;
}

describe('the workflows', () => {
  it('are nightly, drill and upgrade, beside ci', () => {
    expect(workflows.map((w) => w.file)).toEqual(expect.arrayContaining(['ci.yml', 'drill.yml', 'nightly.yml', 'upgrade.yml']));
  });

  it('run the CLI somewhere', () => {
    for (const f of ['nightly.yml', 'drill.yml', 'upgrade.yml']) expect(calls.filter((c) => c.file === f).length, f).toBeGreaterThan(0);
  });

  it.each(calls.map((c) => [c.file, c.args.join(' '), c.args] as const))('%s: patroni-chaos %s: exists in the CLI and in README or docs/', (_file, _text, args) => {
    const usage = checkUsage(buildProgram(), args);
    expect([...usage.problems, ...(usage.problems.length === 0 ? documented(usage) : [])]).toEqual([]);
  });

  it('nightly: on a schedule, on docker, JUnit as a check, summary.md as the job summary, reports as an artifact, red from the exit code alone', () => {
    const w = workflows.find((x) => x.file === 'nightly.yml')?.doc as Workflow;
    expect(w.on).toHaveProperty('schedule');
    const runs = calls.filter((c) => c.file === 'nightly.yml' && c.args[0] === 'run');
    expect(runs.map((c) => c.args.join(' '))).toEqual([expect.stringContaining('--provider docker')]);
    const all = steps(w);
    expect(all.some((s) => s.uses?.startsWith('dorny/test-reporter@') && String(s.with?.['reporter']) === 'java-junit' && s.with?.['fail-on-error'] === false)).toBe(true);
    expect(all.some((s) => s.run?.includes('summary.md') && s.run.includes('$GITHUB_STEP_SUMMARY'))).toBe(true);
    expect(all.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.if === 'always()')).toBe(true);
  });

  it('drill: monthly and by hand, the drill suite with iterations', () => {
    const w = workflows.find((x) => x.file === 'drill.yml')?.doc as Workflow;
    expect(Object.keys(w.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(JSON.stringify(w.on['schedule'])).toMatch(/"\d+ \d+ 1 \* \*"/);
    expect(calls.filter((c) => c.file === 'drill.yml' && c.args[0] === 'run').map((c) => c.args)).toEqual([
      expect.arrayContaining(['scenarios/drills/drill.yaml', '--iterations']),
    ]);
  });

  it('offer exactly the docker provider\'s releases wherever a release is chosen, the upgrade from trixie to forky by default', () => {
    const input = (file: string, name: string) => ((workflows.find((x) => x.file === file)?.doc as Workflow).on['workflow_dispatch'] as { inputs: Record<string, { options?: string[]; default?: string; description?: string }> }).inputs[name];
    for (const [file, name] of [['nightly.yml', 'release'], ['drill.yml', 'release'], ['upgrade.yml', 'to']] as const) {
      expect([...(input(file, name)?.options ?? [])].sort(), `${file} ${name}`).toEqual([...RELEASES].sort());
    }
    expect(input('upgrade.yml', 'from')?.description).toContain(RELEASES.join(', '));
    expect([input('upgrade.yml', 'from')?.default, input('upgrade.yml', 'to')?.default]).toEqual(['trixie', 'forky']);
  });

  it('upgrade: by hand with from and to, verify-upgrade, the comparison uploaded', () => {
    const w = workflows.find((x) => x.file === 'upgrade.yml')?.doc as Workflow;
    expect(Object.keys((w.on['workflow_dispatch'] as { inputs: object }).inputs)).toEqual(expect.arrayContaining(['from', 'to']));
    expect(calls.filter((c) => c.file === 'upgrade.yml' && c.args[0] === 'verify-upgrade').map((c) => c.args.slice(0, 5))).toEqual([['verify-upgrade', '--from', '$FROM', '--to', '$TO']]);
    expect(steps(w).some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
  });

  it('nightly: sharded over a matrix, merged by a job that publishes the merged junit.xml and summary.md and exits with merge-reports\' code', () => {
    const merge = shardedThenMerged('nightly.yml', 'run');
    expect(merge.steps.some((s) => s.uses?.startsWith('dorny/test-reporter@') && String(s.with?.['path']).startsWith('merged/') && String(s.with?.['path']).endsWith('junit.xml'))).toBe(true);
    expect(merge.steps.some((s) => s.run?.includes('merged/summary.md') && s.run.includes('$GITHUB_STEP_SUMMARY'))).toBe(true);
    expect(merge.steps.at(-1)?.run).toMatch(/^exit "\$\{CODE:-3\}"/);
  });

  it('upgrade: sharded over a matrix, merged and compared by a job that publishes comparison.md and the after side\'s junit.xml', () => {
    const merge = shardedThenMerged('upgrade.yml', 'verify-upgrade');
    expect(merge.steps.some((s) => s.run?.includes('merged/comparison.md') && s.run.includes('$GITHUB_STEP_SUMMARY'))).toBe(true);
    expect(merge.steps.some((s) => s.uses?.startsWith('dorny/test-reporter@') && String(s.with?.['path']) === 'merged/after/junit.xml')).toBe(true);
    expect(merge.steps.at(-1)?.run).toMatch(/^exit "\$\{CODE:-3\}"/);
  });
});

describe('the checker itself', () => {
  const program = buildProgram();

  it('splits a script into commands, without quotes, redirections or comments', () => {
    expect(shellCommands('set +e # x\nnode bin/patroni-chaos.js run --set a="$R" s.yaml \\\n  --json > out.json 2> >(tee log >&2)\ncode=$?')).toEqual([
      ['set', '+e'], ['node', 'bin/patroni-chaos.js', 'run', '--set', 'a=$R', 's.yaml', '--json'], ['code=$?'],
    ]);
    expect(shellCommands('a && b | c; echo "${{ inputs.x || \'y\' }}" 2>&1')).toEqual([['a'], ['b'], ['c'], ['echo', "${{ inputs.x || 'y' }}"]]);
  });

  it('finds a missing command, a missing option and an option of another command', () => {
    expect(checkUsage(program, ['verify-upgrade-nope', '--from', 'x']).problems).toEqual([expect.stringMatching(/^patroni-chaos: no command "verify-upgrade-nope"/)]);
    expect(checkUsage(program, ['run', '--no-such', 'x.yaml']).problems).toEqual([expect.stringMatching(/^patroni-chaos run: no option --no-such/)]);
    expect(checkUsage(program, ['cluster', 'status', '--iterations', '3']).problems).toEqual([expect.stringMatching(/^patroni-chaos cluster status: no option --iterations/)]);
    expect(checkUsage(program, ['--version', '--components', '--report', 'dir'])).toEqual({ path: [], options: ['--version', '--components', '--report'], problems: [] });
    expect(checkUsage(program, ['run', '--provider=docker', '--set', 'a=b', 'x.yaml', '--json'])).toEqual({ path: ['run'], options: ['--provider', '--set', '--json'], problems: [] });
  });

  it('finds a command or an option that README and docs/ never show', () => {
    expect(documented({ path: ['merge-reports'], options: ['--into'], problems: [] })).toEqual([]);
    expect(documented({ path: ['merge-reports'], options: ['--into'], problems: [] }, 'node bin/patroni-chaos.js run --into x')).toEqual(['README and docs/ never show "patroni-chaos merge-reports"']);
    expect(documented({ path: ['run'], options: ['--no-such-option'], problems: [] })).toEqual(['README and docs/ never mention --no-such-option']);
  });

  it('follows npm run into package.json', () => {
    expect(invocations('npm ci && npm run nightly')).toEqual([['run', 'scenarios/nightly.yaml']]);
  });
});
