import type { FaultActionInfo, FaultCatalog } from '../scenario/catalog.js';
import { CAPABILITY_TEXT, type ExclusiveAbility } from '../cluster/types.js';
import type { Capability, FaultDefinition } from './types.js';
import { failover } from './failover.js';
import { kill } from './kill.js';
import { cutClients } from './cut-clients.js';
import { dropPackets } from './drop-packets.js';
import { isolate } from './isolate.js';
import { partitionDcs } from './partition-dcs.js';
import { partitionMajority } from './partition-majority.js';
import { partitionHosts } from './partition-hosts.js';
import { pauseReplication } from './pause-replication.js';
import { slowDcs } from './slow-dcs.js';
import { slowClients } from './slow-clients.js';
import { slowReplication } from './slow-replication.js';
import { throttleReplication } from './throttle-replication.js';
import { resetReplication } from './reset-replication.js';
import { killPatroni } from './kill-patroni.js';
import { killPostgres } from './kill-postgres.js';
import { restart } from './restart.js';
import { stop } from './stop.js';
import { shutdown } from './shutdown.js';
import { switchover } from './switchover.js';
import { moveEtcdLeader } from './move-etcd-leader.js';
import { starveCpu } from './starve-cpu.js';

export const FAULTS: ReadonlyMap<string, FaultDefinition> = new Map(
  [kill, killPostgres, killPatroni, stop, shutdown, restart, switchover, failover, pauseReplication, partitionDcs, slowDcs, isolate, partitionMajority, partitionHosts, slowReplication, throttleReplication, resetReplication, cutClients, slowClients, moveEtcdLeader, starveCpu, dropPackets].map((f) => [f.action, f]),
);

/** What a provider with these capabilities can run, for checking scenarios before it starts. */
export function faultCatalog(provider: string, capabilities: ReadonlySet<Capability>, members: readonly string[], etcdMembers: readonly string[], why: Partial<Record<Capability, string>> = {}, exclusive: readonly ExclusiveAbility[] = []): FaultCatalog {
  const actions = new Map<string, FaultActionInfo>();
  for (const f of FAULTS.values()) {
    const excludes = exclusiveOf(f, exclusive);
    actions.set(f.action, {
      targets: f.targets,
      supported: f.needs.every((c) => capabilities.has(c)),
      ...(missingWhy(f.needs, capabilities, why) ?? {}),
      ...(f.params ? { params: f.params } : {}),
      ...(excludes.length > 0 ? { excludes } : {}),
    });
  }
  return { provider, actions, members, etcdMembers, exec: { supported: capabilities.has('exec'), ...(missingWhy(['exec'], capabilities, why) ?? {}) } };
}

/** The actions a fault cannot share a scenario with: those needing what the provider offers only without the fault's own needs. */
function exclusiveOf(f: FaultDefinition, exclusive: readonly ExclusiveAbility[]): { actions: string[]; why: string }[] {
  return exclusive.filter((x) => f.needs.includes(x.capability)).flatMap((x) => {
    const actions = [...FAULTS.values()].filter((g) => g.needs.includes(x.with)).map((g) => g.action);
    return actions.length > 0 ? [{ actions, why: x.why }] : [];
  });
}

/** The reason a provider cannot run a fault: each capability it lacks, in words. */
function missingWhy(needs: readonly Capability[], has: ReadonlySet<Capability>, why: Partial<Record<Capability, string>>): { unsupported: string } | undefined {
  const missing = needs.filter((c) => !has.has(c));
  if (missing.length === 0) return undefined;
  return { unsupported: missing.map((c) => why[c] ?? `it cannot do ${CAPABILITY_TEXT[c]}`).join('; ') };
}
