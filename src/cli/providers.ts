import { DEFAULT_START_TIMEOUT_MS, LocalProvider } from '../cluster/local/provider.js';
import { buildTopology } from '../cluster/topology.js';
import type { ClusterProvider } from '../cluster/types.js';
import { FAULTS, faultCatalog, type Capability } from '../faults/index.js';
import type { FaultCatalog } from '../scenario/catalog.js';
import type { Scenario } from '../scenario/types.js';

/** Providers this build can run. `docker` (architecture.md) is not built yet: naming it is invalid input. */
export const PROVIDERS = ['local'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

const LOCAL_CAPABILITIES: ReadonlySet<Capability> = new Set(['process-control', 'patroni-rest', 'network']);

/** Links go through proxies only in runs that have a network fault: other runs measure the bare cluster. */
const needsNetwork = (scenario: Scenario) => scenario.steps.some((s) => s.kind === 'fault' && (FAULTS.get(s.action)?.needs.includes('network') ?? false));

export interface ProviderChoice {
  catalog: FaultCatalog;
  create(scenario: Scenario): ClusterProvider;
}

export function providerFor(_name: ProviderName, o: { portBase?: number; keepCluster?: boolean; toxiproxy?: string }): ProviderChoice {
  const shape = buildTopology({ runId: 'catalog', runRoot: '/' }, {});
  return {
    catalog: faultCatalog('local', LOCAL_CAPABILITIES, shape.members.map((m) => m.name), shape.etcd.map((e) => e.name)),
    create: (scenario) => new LocalProvider({
      // The scenario's own first `wait_for: healthy` bounds how long the cluster may take to start.
      startTimeoutMs: scenario.steps.flatMap((s) => (s.kind === 'wait_for' && s.condition === 'healthy' ? [s.timeoutMs] : []))[0] ?? DEFAULT_START_TIMEOUT_MS,
      replication: scenario.cluster.replication,
      proxies: needsNetwork(scenario),
      patroni: scenario.cluster.patroni,
      ...(o.portBase === undefined ? {} : { portBase: o.portBase }),
      ...(o.keepCluster ? { keepData: true } : {}),
      ...(o.toxiproxy ? { toxiproxy: o.toxiproxy } : {}),
    }),
  };
}
