import { ATTACHING, PROVIDERS as REGISTRY } from '../cluster/registry.js';
import { ScenarioError } from '../scenario/errors.js';
import type { ClusterProvider, ProviderEntry, Topology } from '../cluster/types.js';
import { FAULTS, faultCatalog } from '../faults/index.js';
import type { FaultCatalog } from '../scenario/catalog.js';
import { DEFAULT_WAIT_MS, faultsOf } from '../scenario/steps.js';
import type { Scenario } from '../scenario/types.js';

/** Providers this build can run: the registry's, and those that attach to a cluster a file describes (external). */
export const PROVIDERS: readonly string[] = [...REGISTRY.keys(), ...ATTACHING.keys()];
export type ProviderName = string;

/** Links go through proxies only in runs that have a network fault: other runs measure the bare cluster. */
const needing = (scenario: Scenario, needs: readonly string[]) => scenario.steps.flatMap(faultsOf).some(({ fault }) => FAULTS.get(fault.action)?.needs.some((n) => needs.includes(n)) ?? false);
const needsNetwork = (scenario: Scenario) => needing(scenario, ['link-cut', 'link-shape']);
const needsShaping = (scenario: Scenario) => needing(scenario, ['link-shape']);

export interface ProviderChoice {
  catalog: FaultCatalog;
  create(scenario: Scenario): ClusterProvider;
}

const attached = new Map<string, ProviderEntry>();

/** A provider's entry from the registry; for one that attaches, the entry for the `--cluster-file`, read and checked once per process. */
export function providerEntry(name: ProviderName, clusterFile: string | undefined): ProviderEntry {
  const attach = ATTACHING.get(name);
  if (attach === undefined) {
    const entry = REGISTRY.get(name);
    if (entry === undefined) throw new Error(`unknown provider ${name}; expected one of ${PROVIDERS.join(', ')}`);
    return entry;
  }
  if (clusterFile === undefined) throw new ScenarioError([{ file: '', line: 0, column: 0, path: '--cluster-file', message: `required with --provider ${name}: the file that describes the cluster to attach to` }]);
  const key = `${name}\0${clusterFile}`;
  const known = attached.get(key);
  if (known !== undefined) return known;
  const entry = attach(clusterFile);
  attached.set(key, entry);
  return entry;
}

export function providerFor(name: ProviderName, o: { portBase?: number; keepCluster?: boolean; toxiproxy?: string; clusterFile?: string }): ProviderChoice {
  const entry = providerEntry(name, o.clusterFile);
  return {
    catalog: {
      ...faultCatalog(entry.name, entry.capabilities, entry.members, entry.etcdMembers, entry.missing, entry.exclusive),
      ...(entry.releases ? { releases: entry.releases } : {}),
      ...(entry.topologies ? { topologies: entry.topologies } : {}),
      ...(entry.topologyRefusal ? {
        topologyRefusal: (topology: string, release: string | undefined, actions: readonly string[]) => (entry.topologyRefusal as NonNullable<typeof entry.topologyRefusal>)(
          topology as Topology, release, { shapedLinks: actions.some((a) => FAULTS.get(a)?.needs.includes('link-shape') ?? false) }),
      } : {}),
      ...(entry.logs ? { logs: entry.logs } : {}),
      ...(entry.versions ? { versions: (release: string | undefined) => (entry.versions as NonNullable<typeof entry.versions>)(release) } : {}),
    },
    create: (scenario) => entry.create({
      // The scenario's own first `wait_for: healthy` bounds how long the cluster may take to start.
      startTimeoutMs: scenario.steps.flatMap((s) => (s.kind === 'wait_for' && s.condition === 'healthy' ? [s.timeoutMs] : []))[0] ?? DEFAULT_WAIT_MS.healthy,
      replication: scenario.cluster.replication,
      network: needsNetwork(scenario),
      shapedLinks: needsShaping(scenario),
      patroni: scenario.cluster.patroni,
      ...(scenario.cluster.release === undefined ? {} : { release: scenario.cluster.release }),
      ...(scenario.cluster.topology === undefined ? {} : { topology: scenario.cluster.topology }),
      ...(o.portBase === undefined ? {} : { portBase: o.portBase }),
      ...(o.keepCluster ? { keepData: true } : {}),
      ...(o.toxiproxy ? { toxiproxy: o.toxiproxy } : {}),
    }),
  };
}
