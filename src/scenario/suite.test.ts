import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile, loadSuiteFile, loadTargets } from './load.js';
import { issuesOf, minimal, removeTempTrees, tempTree } from './test-support.js';

afterAll(removeTempTrees);

const tree = () => tempTree({
  'scenarios/kill-primary.yaml': minimal('kill-primary'),
  'scenarios/etcd-leader.yml': minimal('etcd-leader'),
  'scenarios/nightly.yaml': 'suite: nightly\niterations: 2\nscenarios:\n  - kill-primary.yaml\n  - { file: etcd-leader.yml, iterations: 3 }\n',
  'scenarios/notes.txt': 'not yaml',
  'suites/upgrade.yaml': 'suite: upgrade\nscenarios: [../scenarios/kill-primary.yaml]\n',
  'empty/.keep': '',
});

describe('loadScenarioFile', () => {
  it('records the absolute path', () => {
    const root = tree();
    expect(loadScenarioFile(join(root, 'scenarios/kill-primary.yaml')).file).toBe(join(root, 'scenarios/kill-primary.yaml'));
  });

  it('reports a missing file', () => {
    expect(issuesOf(() => loadScenarioFile('/nonexistent/x.yaml'))).toEqual(['/nonexistent/x.yaml: cannot read: no such file']);
  });
});

describe('loadSuiteFile', () => {
  it('resolves entries next to the suite and repeats entries by their iterations', () => {
    const root = tree();
    const suite = loadSuiteFile(join(root, 'scenarios/nightly.yaml'), ['workload.writers=2']);
    expect(suite.name).toBe('nightly');
    expect(suite.file).toBe(join(root, 'scenarios/nightly.yaml'));
    expect(suite.iterations).toBe(2);
    expect(suite.scenarios.map((s) => s.name)).toEqual(['kill-primary', 'etcd-leader', 'etcd-leader', 'etcd-leader']);
    expect(suite.scenarios.map((s) => s.workload.writers)).toEqual([2, 2, 2, 2]);
    expect(suite.scenarios[1]?.file).toBe(join(root, 'scenarios/etcd-leader.yml'));
  });

  it('follows paths relative to the suite file from another folder', () => {
    const root = tree();
    const suite = loadSuiteFile(join(root, 'suites/upgrade.yaml'));
    expect(suite).toMatchObject({ name: 'upgrade', iterations: 1 });
    expect(suite.scenarios[0]?.file).toBe(join(root, 'scenarios/kill-primary.yaml'));
  });

  it('reports missing files, nested suites and broken scenarios together', () => {
    const root = tempTree({
      'bad.yaml': minimal('bad', 'workload: { writers: 0 }\n'),
      'inner.yaml': 'suite: inner\nscenarios: [bad.yaml]\n',
      'suite.yaml': 'suite: outer\nscenarios:\n  - gone.yaml\n  - inner.yaml\n  - bad.yaml\n',
    });
    expect(issuesOf(() => loadSuiteFile(join(root, 'suite.yaml')))).toEqual([
      `${root}/suite.yaml:3:5: scenarios[0]: cannot read ${root}/gone.yaml: no such file`,
      `${root}/suite.yaml:4:5: scenarios[1]: ${root}/inner.yaml is a suite; a suite lists scenario files, not suites`,
      `${root}/bad.yaml:4:13: workload.writers: expected an integer >= 1`,
    ]);
  });

  it('validates the suite file itself', () => {
    const root = tempTree({ 's.yaml': 'suite: Nightly\niterations: 0\nscenarios: []\nrepeat: 2\n' });
    expect(issuesOf(() => loadSuiteFile(join(root, 's.yaml')))).toEqual([
      `${root}/s.yaml:1:1: suite: expected a name of lowercase letters, digits and - (like kill-primary)`,
      `${root}/s.yaml:2:1: iterations: expected an integer >= 1`,
      `${root}/s.yaml:3:1: scenarios: expected at least one scenario file`,
      `${root}/s.yaml:4:1: repeat: unknown key 'repeat' in suite; expected one of suite, description, iterations, set, scenarios`,
    ]);
  });

  it('refuses a scenario file', () => {
    const root = tree();
    expect(issuesOf(() => loadSuiteFile(join(root, 'scenarios/kill-primary.yaml'))))
      .toEqual([`${root}/scenarios/kill-primary.yaml: expected a suite file (with a suite key); this looks like a scenario`]);
  });
});

describe('a suite\'s set: (--set for every scenario of the suite)', () => {
  const suiteTree = (set: string) => tempTree({
    'a.yaml': minimal('a', 'cluster: { patroni: { ttl: 30 } }\n'),
    'b.yaml': minimal('b'),
    's.yaml': `suite: s\nset: ${set}\nscenarios:\n  - a.yaml\n  - { file: b.yaml, iterations: 2 }\n`,
  });

  it('applies each entry to every scenario, as --set path=value would, values read as YAML', () => {
    // Block style: a flow mapping's key cannot hold the [ of an index.
    const root = suiteTree('\n  cluster.topology: seeds\n  workload.writers: 3\n  cluster.patroni.loop_wait: 5\n  steps[0].sleep: 2s');
    const suite = loadSuiteFile(join(root, 's.yaml'));
    expect(suite.scenarios.map((x) => [x.name, x.cluster.topology, x.workload.writers, x.cluster.patroni['loop_wait'], x.steps[0]])).toEqual([
      ['a', 'seeds', 3, 5, { kind: 'sleep', ms: 2_000 }],
      ['b', 'seeds', 3, 5, { kind: 'sleep', ms: 2_000 }],
      ['b', 'seeds', 3, 5, { kind: 'sleep', ms: 2_000 }],
    ]);
    // Beside what the scenario file sets, as a --set below a mapping is.
    expect(suite.scenarios[0]?.cluster.patroni['ttl']).toBe(30);
  });

  it('loses to the command line\'s --set on the same field, and keeps the rest', () => {
    const root = suiteTree('{ workload.writers: 3, cluster.topology: seeds }');
    const suite = loadTargets([join(root, 's.yaml')], ['workload.writers=8'])[0];
    expect(suite?.scenarios.map((x) => [x.workload.writers, x.cluster.topology])).toEqual([[8, 'seeds'], [8, 'seeds'], [8, 'seeds']]);
    // A bad --set is still the flag's, not the suite's, though the suite sets the same field.
    expect(issuesOf(() => loadTargets([join(root, 's.yaml')], ['workload.writers=0']))).toEqual([
      `${root}/a.yaml: --set workload.writers=0: workload.writers: expected an integer >= 1`,
      `${root}/b.yaml: --set workload.writers=0: workload.writers: expected an integer >= 1`,
    ]);
  });

  it('refuses a field no scenario has in the suite file, at the entry, once for the scenarios it broke', () => {
    const root = suiteTree('{ cluster.topologee: seeds }');
    expect(issuesOf(() => loadSuiteFile(join(root, 's.yaml')))).toEqual([
      `${root}/s.yaml:2:8: set.cluster.topologee: in ${root}/a.yaml, ${root}/b.yaml: cluster.topologee: unknown key 'topologee' in cluster; expected one of replication, patroni, release, topology (did you mean 'topology'?)`,
    ]);
  });

  it('refuses a bad value in the suite file, saying what was expected', () => {
    const root = suiteTree('{ cluster.topology: seedz, workload.writers: 2 }');
    expect(issuesOf(() => loadSuiteFile(join(root, 's.yaml')))).toEqual([
      `${root}/s.yaml:2:8: set.cluster.topology: in ${root}/a.yaml, ${root}/b.yaml: cluster.topology: expected one of minimal, seeds`,
    ]);
  });

  it('refuses a key that is no path, and a set that is no mapping, as the suite file\'s own issues', () => {
    expect(issuesOf(() => loadSuiteFile(join(suiteTree('{ a..b: 1, workload.writers: 2 }'), 's.yaml')))).toEqual([
      expect.stringMatching(/s\.yaml:2:8: set\.a\.\.b: expected a path like cluster\.patroni\.ttl or steps\[3\]\.sleep, as --set takes it$/),
    ]);
    expect(issuesOf(() => loadSuiteFile(join(suiteTree('[cluster.topology=seeds]'), 's.yaml')))).toEqual([
      expect.stringMatching(/s\.yaml:2:1: set: expected a mapping of scenario fields to values, as --set path=value takes them, e\.g\. \{ cluster\.topology: seeds \}$/),
    ]);
  });
});

describe('loadTargets', () => {
  it('turns scenarios, suites and directories into suites, in order', () => {
    const root = tree();
    const suites = loadTargets([join(root, 'scenarios/kill-primary.yaml'), join(root, 'scenarios'), join(root, 'suites/upgrade.yaml')]);
    expect(suites.map((s) => [s.name, s.file, s.iterations, s.scenarios.map((x) => x.name)])).toEqual([
      ['kill-primary', join(root, 'scenarios/kill-primary.yaml'), 1, ['kill-primary']],
      // Sorted by file name, the suite file in the folder left out.
      ['scenarios', join(root, 'scenarios'), 1, ['etcd-leader', 'kill-primary']],
      ['upgrade', join(root, 'suites/upgrade.yaml'), 1, ['kill-primary']],
    ]);
  });

  it('reports every bad target at once', () => {
    const root = tree();
    expect(issuesOf(() => loadTargets([join(root, 'missing.yaml'), join(root, 'empty'), join(root, 'scenarios/notes.txt')]))).toEqual([
      `${root}/missing.yaml: cannot read: no such file`,
      `${root}/empty: no scenario files (*.yaml, *.yml) in this directory`,
      `${root}/scenarios/notes.txt:1:1: expected a mapping`,
    ]);
    expect(issuesOf(() => loadTargets([]))).toEqual(['expected at least one scenario file, suite file or directory']);
  });

  it('labels files as the user named them', () => {
    const root = tempTree({ 'dir/a.yaml': 'name: a\nsteps: [{ sleep: 5 }]\n' });
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(issuesOf(() => loadTargets(['dir']))).toEqual(['dir/a.yaml:2:11: steps[0].sleep: expected a duration like 5s or 250ms']);
    } finally {
      process.chdir(cwd);
    }
  });
});
