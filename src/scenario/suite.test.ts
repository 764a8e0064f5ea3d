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
      `${root}/s.yaml:4:1: repeat: unknown key 'repeat' in suite; expected one of suite, description, iterations, scenarios`,
    ]);
  });

  it('refuses a scenario file', () => {
    const root = tree();
    expect(issuesOf(() => loadSuiteFile(join(root, 'scenarios/kill-primary.yaml'))))
      .toEqual([`${root}/scenarios/kill-primary.yaml: expected a suite file (with a suite key); this looks like a scenario`]);
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
