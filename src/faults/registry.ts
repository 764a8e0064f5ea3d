import type { FaultActionInfo, FaultCatalog } from '../scenario/catalog.js';
import type { Capability, FaultDefinition } from './types.js';
import { failover } from './failover.js';
import { kill } from './kill.js';
import { cutClients } from './cut-clients.js';
import { isolate } from './isolate.js';
import { partitionDcs } from './partition-dcs.js';
import { partitionMajority } from './partition-majority.js';
import { pauseReplication } from './pause-replication.js';
import { slowDcs } from './slow-dcs.js';
import { slowClients } from './slow-clients.js';
import { slowReplication } from './slow-replication.js';
import { throttleReplication } from './throttle-replication.js';
import { killPatroni } from './kill-patroni.js';
import { killPostgres } from './kill-postgres.js';
import { restart } from './restart.js';
import { stop } from './stop.js';
import { switchover } from './switchover.js';

export const FAULTS: ReadonlyMap<string, FaultDefinition> = new Map(
  [kill, killPostgres, killPatroni, stop, restart, switchover, failover, pauseReplication, partitionDcs, slowDcs, isolate, partitionMajority, slowReplication, throttleReplication, cutClients, slowClients].map((f) => [f.action, f]),
);

/** What a provider with these capabilities can run, for checking scenarios before it starts. */
export function faultCatalog(provider: string, capabilities: ReadonlySet<Capability>, members: readonly string[], etcdMembers: readonly string[]): FaultCatalog {
  const actions = new Map<string, FaultActionInfo>();
  for (const f of FAULTS.values()) {
    actions.set(f.action, {
      targets: f.targets,
      supported: f.needs.every((c) => capabilities.has(c)),
      ...(f.params ? { params: f.params } : {}),
    });
  }
  return { provider, actions, members, etcdMembers };
}
