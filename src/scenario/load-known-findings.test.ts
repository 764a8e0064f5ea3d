import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { KNOWN_FINDINGS_FILE, knownFindingsBeside, loadKnownFindings } from './load-known-findings.js';
import { loadTargets } from './load.js';
import { issuesOf, minimal, refusalOf, removeTempTrees, tempTree } from './test-support.js';

afterAll(removeTempTrees);

const GOOD = `known_findings:
  - scenario: freeze-primary
    metric: lost_writes
    versions: { patroni: "< 3.0.3" }
    reason: frozen primary retakes its key
    reference: Patroni 3.0.3
    up_to: 30000
`;

const FREEZE = minimal('freeze-primary', '');
const SOAK = `name: soak
steps:
  - nemesis:
      duration: 1m
      faults:
        - { action: kill, target: primary }
        - { action: stop, target: primary }
`;

describe('known-findings.yaml', () => {
  it('loads, metric names normalized', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('lost_writes', 'rpo').replace('30000', '"6s"'), 'freeze-primary.yaml': FREEZE });
    expect(loadKnownFindings(join(dir, KNOWN_FINDINGS_FILE))).toEqual([
      { scenario: 'freeze-primary', metric: 'rpo_ms', versions: { patroni: '< 3.0.3' }, reason: 'frozen primary retakes its key', reference: 'Patroni 3.0.3', up_to: '6s' },
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

  it('refuses a finding without up_to: it would excuse a failure of any size (issue 19)', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('    up_to: 30000\n', ''), 'freeze-primary.yaml': FREEZE });
    const path = join(dir, KNOWN_FINDINGS_FILE);
    expect(issuesOf(() => loadKnownFindings(path))).toEqual([
      `${path}:2:5: known_findings[0].up_to: missing; expected the worst figure the finding was seen at, in the metric's unit as an SLA value is written, e.g. "6s", 2 or "1MB": a failure beyond it fails as an ordinary one`,
    ]);
  });

  it('reads up_to in the metric\'s unit, as SLA values are read, and refuses one that does not fit the metric', () => {
    const load = (metric: string, upTo: string) => {
      const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('lost_writes', metric).replace('30000', upTo), 'freeze-primary.yaml': FREEZE });
      return refusalOf(() => loadKnownFindings(join(dir, KNOWN_FINDINGS_FILE)));
    };
    expect(load('unavailability', '"6s"')).toEqual([]);
    expect(load('promotion_lag_bytes', '"1MB"')).toEqual([]);
    expect(load('max_concurrent_primaries', '2')).toEqual([]);
    expect(load('lost_writes', '"6s"')).toEqual([expect.stringMatching(/known-findings\.yaml:7:5: known_findings\[0\]\.up_to: expected a plain number: lost_writes is a count, "s" is not a unit for it$/)]);
    expect(load('rto', 'soon')[0]).toMatch(/known_findings\[0\]\.up_to: expected the worst figure the finding was seen at/);
  });

  it('refuses a finding naming a scenario that is not beside it, with file, entry, field and what was expected', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('scenario: freeze-primary', 'scenario: freeze-primray'), 'freeze-primary.yaml': FREEZE, 'nightly.yaml': 'suite: nightly\nscenarios:\n  - freeze-primary.yaml\n' });
    const path = join(dir, KNOWN_FINDINGS_FILE);
    expect(issuesOf(() => loadKnownFindings(path))).toEqual([
      `${path}:2:5: known_findings[0].scenario: expected the name of a scenario file beside known-findings.yaml (in ${dir}); none is named "freeze-primray" (did you mean "freeze-primary"?)`,
    ]);
    // A suite is not a scenario, nor is a scenario in another folder.
    const suiteOnly = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('freeze-primary', 'nightly'), 'nightly.yaml': 'suite: nightly\nscenarios:\n  - a.yaml\n', 'sub/freeze-primary.yaml': FREEZE });
    expect(issuesOf(() => loadKnownFindings(join(suiteOnly, KNOWN_FINDINGS_FILE)))[0]).toContain('none is named "nightly"');
  });

  it('takes a broken scenario file beside it by its name: its own problems are its own', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD, 'freeze-primary.yaml': minimal('freeze-primary', 'bogus: 1\n') });
    expect(loadKnownFindings(join(dir, KNOWN_FINDINGS_FILE))).toHaveLength(1);
  });

  it('takes fault: <action> only for a fault its scenario injects, and only for metrics whose evidence can be attributed', () => {
    const soak = (extra: string, metric = 'lost_writes') => {
      const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('freeze-primary', 'soak').replace('lost_writes', metric) + extra, 'soak.yaml': SOAK });
      return refusalOf(() => loadKnownFindings(join(dir, KNOWN_FINDINGS_FILE)));
    };
    expect(soak('    fault: stop\n')).toEqual([]);
    expect(soak('    fault: stpo\n')).toEqual([expect.stringMatching(/known-findings\.yaml:8:5: known_findings\[0\]\.fault: expected a fault action scenario soak injects \(kill, stop\)$/)]);
    expect(soak('    fault: stop\n', 'rto')).toEqual([expect.stringMatching(/known_findings\[0\]\.fault: expected no fault for rto_ms: only the evidence of lost_writes, max_concurrent_primaries, split_brain_ms can be attributed to a fault$/)]);
  });

  it('refuses up_to on a metric its scenario judges with a line that fails low (>=, >, !=): the bound would excuse any failure (review of issue 19)', () => {
    const judged = (sla: string) => {
      const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('lost_writes', 'leader_changes').replace('30000', '3'), 'freeze-primary.yaml': minimal('freeze-primary', `sla:\n${sla}`) });
      return refusalOf(() => loadKnownFindings(join(dir, KNOWN_FINDINGS_FILE)));
    };
    expect(judged('  leader_changes: ">= 1"\n')).toEqual([expect.stringMatching(/known-findings\.yaml:7:5: known_findings\[0\]\.up_to: expected a finding on a line that fails above a figure \(<, <=, ==\): scenario freeze-primary judges leader_changes >= 1, whose failures up_to cannot bound$/)]);
    expect(judged('  leader_changes: "!= 0"\n')[0]).toContain('judges leader_changes != 0');
    expect(judged('  leader_changes: "> 0"\n')[0]).toContain('judges leader_changes > 0');
    expect(judged('  leader_changes: "== 0"\n')).toEqual([]);
    expect(judged('  leader_changes: "<= 1"\n  rto: "< 30s"\n')).toEqual([]);
    expect(judged('  rto: ">= 1s"\n')).toEqual([]); // another metric's line is not the finding's
  });

  it('is found beside the scenarios, and is not taken for a scenario in a directory', () => {
    const dir = tempTree({ [KNOWN_FINDINGS_FILE]: GOOD.replace('freeze-primary', 'a'), 'a.yaml': minimal('a') });
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

  it('bounds every finding, and scopes the soak\'s to its stop faults', () => {
    expect(shipped.map((f) => [f.scenario, f.metric, f.up_to, f.fault ?? ''])).toEqual([
      ['freeze-primary', 'lost_writes', '60000', ''],
      ['freeze-primary', 'max_concurrent_primaries', '2', ''],
      ['freeze-primary', 'split_brain_ms', '5s', ''],
      ['kill-patroni-on-primary', 'max_concurrent_primaries', '2', ''],
      ['kill-patroni-on-primary', 'split_brain_ms', '2s', ''],
      ['kill-patroni-on-primary', 'stale_leader_writes', '10', ''],
      ['kill-patroni-on-primary', 'stale_leader_writes', '3', ''],
      ['kill-patroni-on-primary', 'max_concurrent_primaries', '2', ''],
      ['kill-patroni-on-primary', 'split_brain_ms', '500ms', ''],
      ['switchover', 'unavailability_ms', '6s', ''],
      ['failover', 'unavailability_ms', '6s', ''],
      ['soak', 'lost_writes', '60000', 'stop'],
      ['soak', 'max_concurrent_primaries', '2', 'stop'],
      ['soak', 'split_brain_ms', '5s', 'stop'],
    ]);
  });

  // max_concurrent_primaries is 2 whether two were writable for 5 ms or for 20 s: a finding excusing it
  // would excuse a split brain of any length unless the scenario judges its length and a finding bounds that too.
  it('bounds the length of every split brain a finding excuses: a max_concurrent_primaries finding comes with a split_brain_ms line and finding alike', () => {
    for (const f of shipped.filter((x) => x.metric === 'max_concurrent_primaries')) {
      const scenario = scenarios.find((s) => s.name === f.scenario);
      expect(scenario?.sla.some((l) => l.metric === 'split_brain_ms'), `${f.scenario} judges split_brain_ms`).toBe(true);
      expect(shipped.filter((x) => x.metric === 'split_brain_ms' && x.scenario === f.scenario && JSON.stringify(x.versions) === JSON.stringify(f.versions) && x.fault === f.fault), `${f.scenario} ${JSON.stringify(f.versions)}`).toHaveLength(1);
    }
  });

  it('keeps every reference whole (a " #" in plain YAML would start a comment)', () => {
    expect(shipped.find((f) => f.scenario === 'freeze-primary')?.reference).toContain('#2693');
    expect(shipped.find((f) => f.scenario === 'kill-patroni-on-primary')?.reference).toContain('#2877');
  });
});
