import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../errors.js';
import { KNOWN_FINDINGS_FILE } from '../scenario/load-known-findings.js';
import { minimal, refusalOf, removeTempTrees, tempTree } from '../scenario/test-support.js';
import { loadChecked } from './scenario-commands.js';

afterAll(removeTempTrees);

const finding = (scenario: string) => `known_findings:
  - scenario: ${scenario}
    metric: lost_writes
    versions: { patroni: "< 3.0.3" }
    reason: frozen primary retakes its key
    reference: Patroni 3.0.3
    up_to: 100
`;

describe('run and validate load the known findings beside the targets before anything starts (issue 19)', () => {
  it('refuse an entry naming a scenario that is not beside it, with file, entry, field and what was expected', () => {
    const dir = tempTree({ 'a.yaml': minimal('a'), [KNOWN_FINDINGS_FILE]: finding('kill-primary') });
    const path = join(dir, KNOWN_FINDINGS_FILE);
    expect(refusalOf(() => loadChecked([join(dir, 'a.yaml')], [], 'local'))).toEqual([
      `${path}:2:5: known_findings[0].scenario: expected the name of a scenario file beside known-findings.yaml (in ${dir}); none is named "kill-primary"`,
    ]);
    expect(refusalOf(() => loadChecked([dir], [], 'local'))).toHaveLength(1);
  });

  it('take one naming a scenario beside it, whichever of the folder\'s files is the target', () => {
    const dir = tempTree({ 'a.yaml': minimal('a'), 'b.yaml': minimal('b'), [KNOWN_FINDINGS_FILE]: finding('b') });
    expect(refusalOf(() => loadChecked([join(dir, 'a.yaml')], [], 'local'))).toEqual([]);
  });
});

describe('a suite\'s set: is checked with the rest, before anything starts', () => {
  const suite = join(import.meta.dirname, '../../scenarios/seeds-nightly.yaml');

  it('seeds-nightly puts every scenario on the seeds topology without --set, and the docker provider takes it', () => {
    const suites = loadChecked([suite], [], 'docker');
    expect(suites[0]?.scenarios.length).toBeGreaterThan(10);
    expect(new Set(suites[0]?.scenarios.map((s) => s.cluster.topology))).toEqual(new Set(['seeds']));
    // The command line wins: on the minimal topology, the scenarios of the seeds stack are refused.
    expect(refusalOf(() => loadChecked([suite], ['cluster.topology=minimal'], 'docker'))).toContainEqual(expect.stringContaining("haproxy-active-lost.yaml:17:28: steps[2].fault.target: target \"haproxy-active\" needs cluster.topology: seeds"));
  });

  it('a bad entry is invalid input (exit 2) naming the suite file, the entry and what was expected', () => {
    const dir = tempTree({ 'a.yaml': minimal('a'), 's.yaml': 'suite: s\nset: { cluster.topology: mesh }\nscenarios: [a.yaml]\n' });
    const err = (() => { try { loadChecked([join(dir, 's.yaml')], [], 'docker'); } catch (e) { return e; } return undefined; })();
    expect(exitCodeFor(err)).toBe(EXIT.invalidInput);
    expect(refusalOf(() => loadChecked([join(dir, 's.yaml')], [], 'docker'))).toEqual([
      `${dir}/s.yaml:2:8: set.cluster.topology: in ${dir}/a.yaml: cluster.topology: expected one of minimal, seeds`,
    ]);
  });
});
