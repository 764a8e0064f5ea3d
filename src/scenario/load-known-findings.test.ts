import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { KNOWN_FINDINGS_FILE, knownFindingsBeside, loadKnownFindings } from './load-known-findings.js';
import { loadTargets } from './load.js';
import { issuesOf, minimal, removeTempTrees, tempTree } from './test-support.js';

afterAll(removeTempTrees);

const GOOD = `known_findings:
  - scenario: freeze-primary
    metric: lost_writes
    versions: { patroni: "< 3.0.3" }
    reason: frozen primary retakes its key
    reference: Patroni 3.0.3
`;

describe('known-findings.yaml', () => {
  it('loads, metric names normalized', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('lost_writes', 'rpo') });
    expect(loadKnownFindings(join(dir, KNOWN_FINDINGS_FILE))).toEqual([
      { scenario: 'freeze-primary', metric: 'rpo_ms', versions: { patroni: '< 3.0.3' }, reason: 'frozen primary retakes its key', reference: 'Patroni 3.0.3' },
    ]);
  });

  it('names file, line and what was expected for each bad field', () => {
    const bad = GOOD.replace('lost_writes', 'lost_write').replace('"< 3.0.3"', '"<<3"').replace('    reference: Patroni 3.0.3\n', '');
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: bad });
    const issues = issuesOf(() => loadKnownFindings(join(dir, KNOWN_FINDINGS_FILE)));
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/known-findings\.yaml:3:5: known_findings\[0\]\.metric: expected one of rto/);
    expect(issues[1]).toMatch(/known-findings\.yaml:4:17: known_findings\[0\]\.versions\.patroni: expected a version range/);
    expect(issues.join('\n')).toContain('known_findings[0].reference');
  });

  it('refuses a finding without a version range: it would never re-arm after an upgrade', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('{ patroni: "< 3.0.3" }', '{}') });
    expect(issuesOf(() => loadKnownFindings(join(dir, KNOWN_FINDINGS_FILE)))[0]).toContain('expected at least one component range');
  });

  it('refuses a finding with no versions map at all, at the finding\'s line', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('    versions: { patroni: "< 3.0.3" }\n', '') });
    const path = join(dir, KNOWN_FINDINGS_FILE);
    expect(issuesOf(() => loadKnownFindings(path))).toEqual([`${path}:2:5: known_findings[0].versions: missing; expected a mapping`]);
  });

  it('refuses a component it does not read the version of, naming it', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('{ patroni: "< 3.0.3" }', '{ patroni: "< 3.0.3", pgbouncer: "< 1.20" }') });
    const path = join(dir, KNOWN_FINDINGS_FILE);
    expect(issuesOf(() => loadKnownFindings(path))).toEqual([
      `${path}:4:37: known_findings[0].versions.pgbouncer: unknown key 'pgbouncer' in known_findings[0].versions; expected one of postgres, patroni, etcd, haproxy`,
    ]);
  });

  it('is found beside the scenarios, and is not taken for a scenario in a directory', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD, 'a.yaml': minimal('a') });
    expect(loadTargets([dir])[0]?.scenarios.map((s) => s.name)).toEqual(['a']);
    expect(knownFindingsBeside([join(dir, 'a.yaml'), join(dir, 'a.yaml'), undefined])).toHaveLength(1);
    expect(knownFindingsBeside([join(tempTree({ 'b.yaml': minimal('b') }), 'b.yaml')])).toEqual([]);
  });
});

describe('the shipped scenarios/known-findings.yaml', () => {
  const shipped = loadKnownFindings(new URL('../../scenarios/known-findings.yaml', import.meta.url).pathname);
  const scenarios = loadTargets([new URL('../../scenarios', import.meta.url).pathname])[0]?.scenarios ?? [];

  it('names only shipped scenarios', () => {
    for (const f of shipped) {
      const scenario = scenarios.find((s) => s.name === f.scenario);
      expect(scenario, f.scenario).toBeDefined();
    }
  });

  it('keeps every reference whole (a " #" in plain YAML would start a comment)', () => {
    expect(shipped.find((f) => f.scenario === 'freeze-primary')?.reference).toContain('#2693');
    expect(shipped.find((f) => f.scenario === 'kill-patroni-on-primary')?.reference).toContain('#2877');
  });
});
