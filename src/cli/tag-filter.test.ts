import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../scenario/errors.js';
import { refusalOf } from '../scenario/test-support.js';
import { loadScenarioText } from '../scenario/load.js';
import type { Suite } from '../scenario/types.js';
import { listRows, withTag } from './scenario-commands.js';

const scenarioYaml = (name: string, tags: string[]) => `name: ${name}\ndescription: ${name} does things. More words.\ntags: [${tags.join(', ')}]\nsteps:\n  - sleep: 1s\n`;

describe('listRows', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-list-'));
    const put = (rel: string, text: string) => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    put('a.yaml', scenarioYaml('a', ['nightly']));
    put('b.yml', scenarioYaml('b', ['nightly', 'drill']));
    put('drills/x.yaml', scenarioYaml('x', ['drill']));
    put('drills/deep/y.yaml', scenarioYaml('y', []));
    put('drills/known-findings.yaml', 'known_findings: []\n');
    put('known-findings.yaml', 'known_findings: []\n');
    put('drills/drill.yaml', 'suite: drill\niterations: 3\nscenarios:\n  - x.yaml\n  - ../a.yaml\n');
    put('nightly.yaml', 'suite: nightly\nscenarios:\n  - a.yaml\n');
    put('notes.txt', 'not yaml\n');
    put('.hidden/z.yaml', 'this: is not a scenario\n');
  });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('walks subfolders, paths relative to the dir with /, skipping known findings, hidden folders and other files', () => {
    expect(listRows(dir).map((e) => [e.file, e.kind, e.name])).toEqual([
      ['a.yaml', 'scenario', 'a'],
      ['b.yml', 'scenario', 'b'],
      ['drills/deep/y.yaml', 'scenario', 'y'],
      ['drills/drill.yaml', 'suite', 'drill'],
      ['drills/x.yaml', 'scenario', 'x'],
      ['nightly.yaml', 'suite', 'nightly'],
    ]);
  });

  it('keeps the list --json shape: a scenario with tags and description, a suite with iterations and its scenarios', () => {
    const rows = listRows(dir);
    expect(rows.find((e) => e.file === 'drills/x.yaml')).toEqual({ file: 'drills/x.yaml', kind: 'scenario', name: 'x', tags: ['drill'], description: 'x does things. More words.' });
    expect(rows.find((e) => e.file === 'drills/drill.yaml')).toEqual({
      file: 'drills/drill.yaml', kind: 'suite', name: 'drill', tags: [], description: '', iterations: 3,
      scenarios: [{ name: 'x', tags: ['drill'] }, { name: 'a', tags: ['nightly'] }],
    });
  });

  it('with a tag: the scenario files having it and the suites holding one such scenario (listed whole)', () => {
    expect(listRows(dir, 'drill').map((e) => e.file)).toEqual(['b.yml', 'drills/drill.yaml', 'drills/x.yaml']);
    expect(listRows(dir, 'drill').find((e) => e.kind === 'suite')?.scenarios?.map((s) => s.name)).toEqual(['x', 'a']);
    expect(listRows(dir, 'nightly').map((e) => e.file)).toEqual(['a.yaml', 'b.yml', 'drills/drill.yaml', 'nightly.yaml']);
    expect(listRows(dir, 'none')).toEqual([]);
  });
});

describe('withTag', () => {
  const sc = (name: string, tags: string[]) => loadScenarioText(scenarioYaml(name, tags), `${name}.yaml`);
  const a = sc('a', ['nightly']);
  const b = sc('b', ['nightly', 'drill']);
  const c = sc('c', []);
  const suites: Suite[] = [
    { name: 'mixed', file: '/s/mixed.yaml', iterations: 4, scenarios: [a, b, c, b] },
    { name: 'a', file: '/s/a.yaml', iterations: 1, scenarios: [a] },
    { name: 'dir', file: '/s/dir', iterations: 1, scenarios: [c, b] },
  ];

  it('keeps only the scenarios having the tag, in order with repeats, and the suite\'s other fields', () => {
    const kept = withTag(suites, 'drill');
    expect(kept.map((s) => [s.name, s.file, s.iterations, s.scenarios.map((x) => x.name)])).toEqual([
      ['mixed', '/s/mixed.yaml', 4, ['b', 'b']],
      ['dir', '/s/dir', 1, ['b']],
    ]);
    expect(suites[0]?.scenarios.map((x) => x.name)).toEqual(['a', 'b', 'c', 'b']);
  });

  it('keeps a suite whole when all its scenarios have the tag', () => {
    expect(withTag(suites, 'nightly').map((s) => [s.name, s.scenarios.map((x) => x.name)])).toEqual([
      ['mixed', ['a', 'b', 'b']], ['a', ['a']], ['dir', ['b']],
    ]);
  });

  it('refuses, as invalid input, a tag no scenario has, naming the tags there are', () => {
    expect(() => withTag(suites, 'soak')).toThrow(ScenarioError);
    expect(refusalOf(() => withTag(suites, 'soak'))).toEqual(['--tag: no scenario in the targets has tag "soak"; their tags: drill, nightly']);
    expect(refusalOf(() => withTag([{ name: 'c', file: '/s/c.yaml', iterations: 1, scenarios: [c] }], 'soak'))).toEqual(['--tag: no scenario in the targets has tag "soak"; they have no tags at all']);
  });
});
