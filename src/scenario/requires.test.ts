import { describe, expect, it } from 'vitest';
import type { StartedCluster } from '../cluster/types.js';
import { requireVersions } from '../runner/run-scenario.js';
import type { FaultCatalog } from './catalog.js';
import { formatIssue, ScenarioError } from './errors.js';
import { loadScenarioText } from './load.js';
import { satisfies, unmet } from './requires.js';
import { checkScenario } from './targets.js';

const QUORUM = (release = '', extra = '') => `name: q
${release === '' ? '' : `cluster: { release: ${release} }\n`}requires: { patroni: ">= 4.0"${extra} }
steps:
  - sleep: 1s
`;

const issuesOf = (text: string): string[] => {
  try {
    loadScenarioText(text, 'q.yaml');
    return [];
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues.map(formatIssue);
    throw err;
  }
};

describe('requires: the component versions a scenario applies to', () => {
  it('reads constraints and refuses what is not one, or a component it does not know', () => {
    expect(loadScenarioText(QUORUM(), 'q.yaml').requires).toEqual({ patroni: { op: '>=', version: '4.0' } });
    expect(loadScenarioText('name: q\nsteps:\n  - sleep: 1s\n', 'q.yaml').requires).toBeUndefined();
    expect(issuesOf(QUORUM('', ', postgres: "18"')).join('\n')).toContain('requires.postgres: expected a constraint such as ">= 4.0"');
    expect(issuesOf(QUORUM('', ', patroni_version: ">= 1"')).join('\n')).toContain("requires.patroni_version: unknown key 'patroni_version' in requires; expected components among patroni, postgres, etcd, haproxy");
  });

  it.each([
    ['4.0.7', '>=', '4.0', true],
    ['3.0.2', '>=', '4.0', false],
    ['4.1.5', '>', '4.1', true],
    ['4.1.0', '>', '4.1', false],
    ['4.0.7', '==', '4.0', true],
    ['4.1.5', '==', '4.0', false],
    ['3.2.26-1', '<', '3.3', true],
    ['18.6', '>=', '10', true],
  ] as const)('%s %s %s is %s', (have, op, version, want) => {
    expect(satisfies(have, { op, version })).toBe(want);
  });

  it('never takes an unknown or unreadable version for one that meets the requirement', () => {
    const r = { patroni: { op: '>=', version: '4.0' } } as const;
    expect(unmet(r, { patroni: null }, 'the external cluster')).toEqual([{ component: 'patroni', message: "needs Patroni >= 4.0; the external cluster: Patroni's version is unknown, so the scenario cannot be shown to apply" }]);
    expect(unmet(r, {}, 'x')).toHaveLength(1);
    expect(unmet(r, { patroni: 'dev' }, 'x')[0]?.message).toBe('needs Patroni >= 4.0; x reports Patroni "dev", which is not a version');
    expect(unmet(r, { patroni: '4.0.7' }, 'x')).toEqual([]);
  });
});

describe('validate: requires against the release table, the installed binaries, or nothing yet (external)', () => {
  const base: FaultCatalog = { provider: 'docker', actions: new Map(), members: ['patroni1'], etcdMembers: ['etcd1'], releases: ['bookworm', 'trixie', 'forky'] };
  const TABLE: Record<string, string> = { bookworm: '3.0.2', trixie: '4.0.7', forky: '4.1.5' };
  const docker: FaultCatalog = { ...base, versions: (r) => ({ versions: { patroni: TABLE[r ?? 'bookworm'] ?? null }, source: `release ${r ?? 'bookworm'}` }) };

  it('refuses a release whose Patroni is too old, by name and version, including the default release', () => {
    expect(checkScenario(loadScenarioText(QUORUM('bookworm'), 'q.yaml'), docker).map(formatIssue)).toEqual(['q.yaml:3:13: requires.patroni: needs Patroni >= 4.0; release bookworm runs Patroni 3.0.2']);
    expect(checkScenario(loadScenarioText(QUORUM(), 'q.yaml'), docker).map(formatIssue)).toEqual(['q.yaml:2:13: requires.patroni: needs Patroni >= 4.0; release bookworm runs Patroni 3.0.2']);
    expect(checkScenario(loadScenarioText(QUORUM('trixie'), 'q.yaml'), docker)).toEqual([]);
    expect(checkScenario(loadScenarioText(QUORUM('forky'), 'q.yaml'), docker)).toEqual([]);
  });

  it('refuses on a machine whose Patroni cannot be read, and defers to attach where nothing is known before (external)', () => {
    const local: FaultCatalog = { ...base, provider: 'local', releases: undefined as never, versions: () => ({ versions: {}, source: 'this machine' }) };
    delete (local as { releases?: unknown }).releases;
    expect(checkScenario(loadScenarioText(QUORUM(), 'q.yaml'), local).map(formatIssue)[0]).toContain("needs Patroni >= 4.0; this machine: Patroni's version is unknown");
    const external: FaultCatalog = { ...base, provider: 'external' };
    delete (external as { releases?: unknown }).releases;
    expect(checkScenario(loadScenarioText(QUORUM(), 'q.yaml'), external)).toEqual([]);
  });

  it('stops a run whose started or attached cluster reports a Patroni the scenario excludes, before any step', () => {
    const scenario = loadScenarioText(QUORUM(), 'q.yaml');
    const cluster = (patroni: string | null) => ({ provider: 'external', versions: { patroni, postgres: null, etcd: null, haproxy: null } }) as unknown as StartedCluster;
    expect(() => requireVersions(scenario, cluster('3.0.4'))).toThrow('scenario q needs Patroni >= 4.0; the external cluster runs Patroni 3.0.4');
    expect(() => requireVersions(scenario, cluster(null))).toThrow(/Patroni's version is unknown/);
    expect(() => requireVersions(scenario, cluster('4.0.7'))).not.toThrow();
  });
});
