import { afterAll, describe, expect, it } from 'vitest';
import { providerFor } from '../cli/providers.js';
import { confirmRun } from '../cli/scenario-commands.js';
import { confirmExternal } from '../cluster/external/confirm.js';
import type { ClusterFile } from '../cluster/external/cluster-file.js';
import { formatIssue, ScenarioError } from './errors.js';
import { loadScenarioText } from './load.js';
import { describeNemesis, nemesisDraws, seededRandom } from './nemesis.js';
import { faultsOf } from './steps.js';
import { checkScenario } from './targets.js';
import { issuesOf, removeTempTrees } from './test-support.js';
import type { NemesisStep } from './types.js';

afterAll(removeTempTrees);

const SOAK = `name: soak
steps:
  - wait_for: healthy
  - nemesis:
      seed: 42
      duration: 10m
      interval: 20s
      hold: 15s
      faults:
        - { action: kill, target: primary }
        - { action: stop, target: replica }
        - { action: partition-dcs, target: primary }
  - wait_for: converged
`;

const nemesisOf = (text: string): NemesisStep => {
  const step = loadScenarioText(text, 'soak.yaml').steps.find((s) => s.kind === 'nemesis');
  if (step?.kind !== 'nemesis') throw new Error('no nemesis step');
  return step;
};

const take = <T>(it: Iterator<T>, n: number): T[] => Array.from({ length: n }, () => it.next().value as T);

describe('the nemesis step (Jepsen\'s combined nemesis)', () => {
  it('loads with its seed, budgets and the faults to draw from', () => {
    expect(nemesisOf(SOAK)).toEqual({
      kind: 'nemesis', seed: 42, durationMs: 600_000, intervalMs: 20_000, holdMs: 15_000, recoverTimeoutMs: 120_000,
      faults: [
        { action: 'kill', target: 'primary', params: {} },
        { action: 'stop', target: 'replica', params: {} },
        { action: 'partition-dcs', target: 'primary', params: {} },
      ],
    });
  });

  it('draws a seed when none is written, a 32-bit integer the report can replay', () => {
    const seeds = new Set(Array.from({ length: 5 }, () => nemesisOf(SOAK.replace('      seed: 42\n', '')).seed));
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('says what was expected, at the line, for every malformed part', () => {
    const bad = `name: soak
steps:
  - nemesis:
      seed: -1
      interval: soon
      faults:
        - { action: kill, target: primary, id: k1 }
        - kill
`;
    expect(issuesOf(() => loadScenarioText(bad, 'soak.yaml'))).toEqual([
      'soak.yaml:3:5: steps[0].nemesis.duration: expected a duration like 5s or 250ms',
      'soak.yaml:4:7: steps[0].nemesis.seed: expected a seed >= 0',
      'soak.yaml:5:7: steps[0].nemesis.interval: expected a duration like 5s or 250ms',
      'soak.yaml:7:44: steps[0].nemesis.faults[0].id: expected no id: the nemesis names each injection itself (nemesis-<step>-<n>)',
      'soak.yaml:8:11: steps[0].nemesis.faults[1]: expected a mapping like {action: kill, target: primary}',
    ]);
    expect(issuesOf(() => loadScenarioText('name: s\nsteps:\n  - nemesis: { duration: 1m, faults: [] }\n', 's.yaml'))).toEqual([
      's.yaml:3:30: steps[0].nemesis.faults: expected at least one fault to draw from',
    ]);
    expect(issuesOf(() => loadScenarioText('name: s\nsteps:\n  - nemesis: { duration: 1m, faults: [{ action: kill }] }\n    sleep: 1s\n', 's.yaml'))).toEqual([
      expect.stringContaining('expected exactly one of sleep, wait_for, fault, heal, nemesis, exec; this step has sleep and nemesis'),
    ]);
  });

  it('checks every fault it may draw against the provider, before anything starts, at the fault\'s line', () => {
    const scenario = loadScenarioText(SOAK.replace('{ action: stop, target: replica }', '{ action: stop, target: nobody }')
      .replace('{ action: partition-dcs, target: primary }', '{ action: partition-hosts, grudge: bridge }'), 'soak.yaml');
    expect(checkScenario(scenario, providerFor('local', {}).catalog).map(formatIssue)).toEqual([
      expect.stringMatching(/^soak\.yaml:\d+:\d+: steps\[1\]\.nemesis\.faults\[1\]\.target: target "nobody" is not valid for action "stop"/),
      expect.stringMatching(/^soak\.yaml:\d+:\d+: steps\[1\]\.nemesis\.faults\[2\]\.action: fault "partition-hosts" is not supported by provider "local"/),
    ]);
    expect(checkScenario(loadScenarioText(SOAK, 'soak.yaml'), providerFor('local', {}).catalog)).toEqual([]);
  });

  it('counts as injecting faults: the SLA a fault brings applies, and the external provider asks for consent', () => {
    const scenario = loadScenarioText(SOAK, 'soak.yaml');
    expect(scenario.steps.flatMap(faultsOf).map((f) => f.path.join('.'))).toEqual(['nemesis.faults.0', 'nemesis.faults.1', 'nemesis.faults.2']);
    expect(scenario.sla.map((l) => l.metric)).toContain('rto_ms');
    const file = { file: 'staging.yaml', scope: 'email-cluster', allowFaults: false } as ClusterFile;
    try {
      confirmRun({ confirm: (c) => confirmExternal(file, c) }, [{ name: 's', file: 's.yaml', iterations: 1, scenarios: [scenario] }], 'email-cluster');
      expect.unreachable('a nemesis on a cluster without allow_faults must be refused');
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as ScenarioError).issues.map(formatIssue)).toEqual([expect.stringContaining('these scenarios inject faults: soak')]);
    }
  });

  it('draws the same faults and pauses from the same seed, and others from another', () => {
    const step = nemesisOf(SOAK);
    const a = take(nemesisDraws(step), 50);
    expect(take(nemesisDraws(step), 50)).toEqual(a);
    expect(take(nemesisDraws({ ...step, seed: 43 }), 50)).not.toEqual(a);
    // Jepsen's stagger: uniform in [0, 2 × interval); over 50 draws both halves occur.
    for (const d of a) expect(d.pauseMs >= 0 && d.pauseMs < 2 * step.intervalMs).toBe(true);
    expect(a.some((d) => d.pauseMs < step.intervalMs) && a.some((d) => d.pauseMs >= step.intervalMs)).toBe(true);
    // Every fault of the set is drawn.
    expect(new Set(a.map((d) => d.fault.action))).toEqual(new Set(['kill', 'stop', 'partition-dcs']));
  });

  it('is pinned: the first draws of seed 42 do not change between versions, or old reports stop replaying', () => {
    const r = seededRandom(42);
    expect(take({ next: () => ({ value: r(), done: false }) }, 3).map((x) => x.toFixed(6))).toEqual(['0.601104', '0.448291', '0.852466']);
    expect(seededRandom(0)()).toBeGreaterThanOrEqual(0);
  });

  it('a zero interval draws no pauses, and one fault is always that fault', () => {
    const draws = take(nemesisDraws({ seed: 7, intervalMs: 0, faults: [{ action: 'kill', target: 'primary', params: {} }] }), 10);
    expect(draws.every((d) => d.pauseMs === 0 && d.fault.action === 'kill')).toBe(true);
  });

  it('describes itself with its seed, so a report names what to replay', () => {
    expect(describeNemesis(nemesisOf(SOAK), (ms) => `${ms / 60_000} min`)).toBe('nemesis seed 42 for 10 min: kill primary | stop replica | partition-dcs primary');
  });
});
