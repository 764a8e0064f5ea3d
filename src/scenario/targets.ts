/**
 * Checks a loaded scenario against what a provider and the fault registry
 * can do, before any cluster starts: a fault the provider cannot express is
 * a validation error naming both, never a silent skip.
 */
import type { ScenarioIssue } from './errors.js';
import type { FaultSpec, Scenario, Step, Suite } from './types.js';
import { CLUSTER_TARGET, ETCD_ROLES, HAPROXY_ROLES, keepalivedHost, MEMBER_ROLES, poolerMember, targetKinds, validTargets, type FaultCatalog } from './catalog.js';
import { topologyOf } from './types.js';
import { scenarioIssueAt, stepOrigin } from './origins.js';
import { closest } from './suggest.js';
import { faultsOf } from './steps.js';
import { unmet } from './requires.js';
import { ANY_LOG, faultIds, type EvidenceSpec } from './evidence.js';

export function checkScenario(scenario: Scenario, catalog: FaultCatalog): ScenarioIssue[] {
  return [
    ...checkRelease(scenario, catalog),
    ...checkTopology(scenario, catalog),
    ...checkRequires(scenario, catalog),
    ...scenario.steps.flatMap((step, index) => faultsOf(step).flatMap(({ fault, path }) => checkFault(scenario, { step, index, fault, path }, catalog))),
    ...checkExclusive(scenario, catalog),
    ...scenario.steps.flatMap((step, index) => (step.kind === 'exec' ? checkExec(scenario, step, index, catalog) : [])),
    ...(scenario.evidence ?? []).flatMap((e, index) => checkEvidence(scenario, e, index, catalog)),
  ];
}

/**
 * An `evidence:` entry needs a provider that copies that component's log into
 * the report, and an `on` that still names something once the run is over: a
 * role does not (the primary at the end is rarely the one whose log matters).
 */
function checkEvidence(scenario: Scenario, e: EvidenceSpec, index: number, catalog: FaultCatalog): ScenarioIssue[] {
  const at = (key: string, message: string) => scenarioIssueAt(scenario, ['evidence', index, key], message);
  if (catalog.logs === undefined) return [at('log', `provider "${catalog.provider}" does not collect the components' logs, so the ${e.log} line cannot be looked for`)];
  const unreadable = catalog.logs.unreadable?.[e.log];
  if (unreadable !== undefined) return [at('log', `provider "${catalog.provider}" cannot read the ${e.log} logs: ${unreadable}`)];
  // The seeds topology runs an HAProxy pair (haproxy1, haproxy2) whose logs no search reads yet: a
  // line looked for in a log named haproxy would never be found and every run would be unknown.
  if (e.log === 'haproxy' && topologyOf(scenario.cluster) === 'seeds') return [at('log', 'the seeds topology runs two HAProxies (haproxy1, haproxy2) whose logs are not searched for evidence; look for the line in a patroni, postgres or etcd log, or run the minimal topology')];
  const names = e.log === 'haproxy' ? ['haproxy'] : e.log === 'etcd' ? catalog.etcdMembers : catalog.members;
  const ids = e.log === 'haproxy' ? [] : faultIds(scenario.steps);
  if (names.includes(e.on) && ids.includes(e.on)) return [at('on', `"${e.on}" is both a member and a fault id; rename the fault`)];
  if (e.on === ANY_LOG || names.includes(e.on) || ids.includes(e.on)) return [];
  const expected = `${ANY_LOG}, ${names.join(', ')}${ids.length > 0 ? `, or a fault id (${ids.join(', ')})` : ''}`;
  const role = [...MEMBER_ROLES, ...ETCD_ROLES].includes(e.on as never);
  return [at('on', role
    ? `"${e.on}" is a role, resolved when a step runs, but the logs are read after the run; name a member, or the id of the fault whose target it was (expected ${expected})`
    : `"${e.on}" names no ${e.log} log (expected ${expected})`)];
}

/** An exec step needs containers to run in, and a member or etcd member (role or name) to run it in. */
function checkExec(scenario: Scenario, step: Extract<Step, { kind: 'exec' }>, index: number, catalog: FaultCatalog): ScenarioIssue[] {
  const at = issueAt(scenario, step, index);
  if (catalog.exec?.supported !== true) {
    return [at(['exec'], `exec steps are not supported by provider "${catalog.provider}": ${catalog.exec?.unsupported ?? 'it cannot run commands inside containers'}`)];
  }
  const targets = validTargets(['member', 'etcd'], catalog);
  if (!targets.includes(step.on)) return [at(['exec', 'on'], `"${step.on}" is not a member or etcd member (expected one of ${targets.join(', ')})`)];
  if (step.on === 'sync-standby' && scenario.cluster.replication !== 'synchronous') return [at(['exec', 'on'], '"sync-standby" needs synchronous replication; this scenario is asynchronous')];
  if (step.expect?.memberRecreated === true && !validTargets(['member'], catalog).includes(step.on)) {
    return [at(['exec', 'expect', 'member_recreated'], `"${step.on}" is an etcd member: only a Patroni member (a role like replica, or a name like ${catalog.members[0] ?? 'patroni2'}) has a data directory to re-create`)];
  }
  return [];
}

/** A release names packages the provider builds from; a provider that runs the machine's own binaries takes none. */
function checkRelease(scenario: Scenario, catalog: FaultCatalog): ScenarioIssue[] {
  const release = scenario.cluster.release;
  if (release === undefined) return [];
  if (catalog.releases === undefined) {
    return [scenarioIssueAt(scenario, ['cluster', 'release'], `provider "${catalog.provider}" runs the components installed on this machine and takes no release; a release needs a provider that builds them (--provider docker)`)];
  }
  if (!catalog.releases.includes(release)) return [scenarioIssueAt(scenario, ['cluster', 'release'], `expected one of ${catalog.releases.join(', ')} for provider "${catalog.provider}"`)];
  return [];
}

/** A topology is containers and images the provider builds; one that runs the machine's processes, or attaches to a cluster, has only the one it has. */
function checkTopology(scenario: Scenario, catalog: FaultCatalog): ScenarioIssue[] {
  const topology = topologyOf(scenario.cluster);
  const known = catalog.topologies ?? ['minimal'];
  if (known.includes(topology)) {
    const why = catalog.topologyRefusal?.(topology, scenario.cluster.release, scenario.steps.flatMap((s) => faultsOf(s).map(({ fault }) => fault.action)));
    return why === undefined ? [] : [scenarioIssueAt(scenario, ['cluster', 'topology'], why)];
  }
  return [scenarioIssueAt(scenario, ['cluster', 'topology'], `provider "${catalog.provider}" cannot make topology "${topology}" (it makes ${known.join(', ')}): "seeds" is the documents' VIP over two HAProxies (keepalived) and PgBouncer on every member, containers only the docker provider builds (--provider docker)`)];
}

/** `requires:` against the versions the provider will run, when it can tell before starting (external: at attach). */
function checkRequires(scenario: Scenario, catalog: FaultCatalog): ScenarioIssue[] {
  if (scenario.requires === undefined || catalog.versions === undefined) return [];
  // An unknown release is checkRelease's to report; its versions are not known either.
  if (scenario.cluster.release !== undefined && catalog.releases !== undefined && !catalog.releases.includes(scenario.cluster.release)) return [];
  const { versions, source } = catalog.versions(scenario.cluster.release);
  return unmet(scenario.requires, versions, source).map((u) => scenarioIssueAt(scenario, ['requires', u.component], u.message));
}

/** Every scenario of every suite, each checked once however often it runs. */
export function checkSuites(suites: readonly Suite[], catalog: FaultCatalog): ScenarioIssue[] {
  return [...new Set(suites.flatMap((s) => s.scenarios))].flatMap((scenario) => checkScenario(scenario, catalog));
}

/** `path` is where the fault sits under its step (['fault'], or a nemesis's ['nemesis', 'faults', k]). */
interface Placed { step: Step; index: number; fault: FaultSpec; path: (string | number)[] }

function checkFault(scenario: Scenario, { step: placedIn, index, fault: step, path }: Placed, catalog: FaultCatalog): ScenarioIssue[] {
  const stepIssue = issueAt(scenario, placedIn, index);
  // Paths below are written as for a fault step (['fault', ...]); a nemesis's faults sit elsewhere.
  const at = (sub: (string | number)[], message: string) => stepIssue([...path, ...sub.slice(1)], message);
  const action = catalog.actions.get(step.action);
  if (action === undefined) {
    const known = [...catalog.actions.keys()];
    const near = closest(step.action, known);
    return [at(['fault', 'action'], `unknown fault action "${step.action}"; expected one of ${known.join(', ')}${near === undefined ? '' : ` (did you mean "${near}"?)`}`)];
  }
  if (!action.supported) return [at(['fault', 'action'], `fault "${step.action}" is not supported by provider "${catalog.provider}"${action.unsupported ? `: ${action.unsupported}` : ''}`)];
  const issues: ScenarioIssue[] = [];
  const kinds = targetKinds(action);
  const targets = validTargets(kinds, catalog);
  const given = stepOrigin(placedIn)?.has([...path, 'target']) ?? true;
  if (!given && !kinds.includes('cluster')) {
    issues.push(at(['fault'], `missing target; action "${step.action}" expects one of ${targets.join(', ')}`));
  } else if (!targets.includes(step.target)) {
    const expected = kinds.length === 1 && kinds[0] === 'cluster' ? `${CLUSTER_TARGET} or no target`
      : `one of ${targets.join(', ')}${kinds.includes('cluster') ? ', or no target' : ''}`;
    issues.push(at(['fault', 'target'], `target "${step.target}" is not valid for action "${step.action}" (expected ${expected})`));
  } else if ((HAPROXY_ROLES as readonly string[]).includes(step.target) && topologyOf(scenario.cluster) !== 'seeds') {
    issues.push(at(['fault', 'target'], `target "${step.target}" needs cluster.topology: seeds (two HAProxies sharing a VIP); this scenario's topology is ${topologyOf(scenario.cluster)} (one HAProxy, no VIP)`));
  } else if (keepalivedHost(step.target) !== undefined && topologyOf(scenario.cluster) !== 'seeds') {
    issues.push(at(['fault', 'target'], `target "${step.target}" needs cluster.topology: seeds (keepalived holding a VIP over two HAProxies); this scenario's topology is ${topologyOf(scenario.cluster)} (one HAProxy, no keepalived)`));
  } else if (poolerMember(step.target) !== undefined && topologyOf(scenario.cluster) !== 'seeds') {
    issues.push(at(['fault', 'target'], `target "${step.target}" needs cluster.topology: seeds (PgBouncer on every member); this scenario's topology is ${topologyOf(scenario.cluster)} (HAProxy straight to PostgreSQL, no PgBouncer)`));
  } else if ((poolerMember(step.target) ?? step.target) === 'sync-standby' && scenario.cluster.replication !== 'synchronous') {
    issues.push(at(['fault', 'target'], `target "${step.target}" needs synchronous replication; this scenario is asynchronous`));
  }
  const paramsError = action.params?.(step.params);
  if (paramsError !== undefined) issues.push(at(['fault'], `parameters of "${step.action}": ${paramsError}`));
  return issues;
}

/**
 * Faults the provider can run, but not in one run with some others (the
 * provider says why): each is refused where it stands, naming the others and
 * where they stand, whether a step or a nemesis holds them.
 */
function checkExclusive(scenario: Scenario, catalog: FaultCatalog): ScenarioIssue[] {
  const placed = scenario.steps.flatMap((step, index) => faultsOf(step).map(({ fault, path }): Placed => ({ step, index, fault, path })));
  return placed.flatMap(({ step, index, fault, path }) => {
    const action = catalog.actions.get(fault.action);
    if (action?.supported !== true) return []; // checkFault reports it
    return (action.excludes ?? []).flatMap(({ actions, why }) => {
      const others = placed.filter((o) => actions.includes(o.fault.action));
      if (others.length === 0) return [];
      const named = others.map((o) => `"${o.fault.action}" (steps[${o.index}].${o.path.join('.').replace(/\.(\d+)/g, '[$1]')})`);
      return [issueAt(scenario, step, index)([...path, 'action'], `fault "${fault.action}" cannot run in one scenario with ${[...new Set(named)].join(', ')} on provider "${catalog.provider}": ${why}`)];
    });
  });
}

/** Located through the step's origin when it was loaded from a file; else by path only. */
function issueAt(scenario: Scenario, step: Step, index: number) {
  const origin = stepOrigin(step);
  return (path: (string | number)[], message: string): ScenarioIssue => {
    if (origin !== undefined) return origin.issueAt(path, message);
    const where = path.map((seg) => `.${seg}`).join('');
    return { file: scenario.file ?? '', line: 0, column: 0, path: `steps[${index}]${where}`, message };
  };
}
