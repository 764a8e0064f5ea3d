import { hasHostControl } from '../cluster/types.js';
import type { FaultDefinition } from './types.js';
import { injectOnHaproxies, vipPairFor } from './vip.js';
import { injectOnPoolers, poolersFor } from './pgbouncer.js';
import { injectOnKeepalived, keepalivedFor } from './keepalived.js';
import { componentOf, forEachName, forEachNameSeen, isEtcdName, observeGone, pidsOf, processControl, signalSome } from './process-target.js';

/**
 * A node crash: SIGKILL of PostgreSQL (every process of it) and Patroni on a
 * member, or of an etcd member. The cure starts the component again: Patroni
 * brings PostgreSQL back, rewinding it into a replica if it was the primary.
 * Where the provider has whole hosts (docker), the host dies at once instead.
 * Either way the processes are seen gone before the fault counts as injected.
 */
export const kill: FaultDefinition = {
  action: 'kill',
  description: 'SIGKILL a member (Patroni and PostgreSQL), an etcd member, or in the seeds topology an HAProxy of the VIP pair, the keepalived beside one, or a member\'s PgBouncer; heal restarts it',
  targets: ['member', 'etcd', 'haproxy', 'pgbouncer', 'keepalived'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pair = vipPairFor(cluster, names);
    if (pair !== undefined) return injectOnHaproxies(pair, names, 'kill');
    const pooled = poolersFor(cluster, names);
    if (pooled !== undefined) return injectOnPoolers(pooled.cluster, pooled.members, 'kill');
    const vrrp = keepalivedFor(cluster, names);
    if (vrrp !== undefined) return injectOnKeepalived(vrrp.cluster, vrrp.hosts);
    const pc = processControl(cluster);
    if (hasHostControl(cluster)) {
      const seen = await forEachNameSeen(names, async (name) => {
        // Every process the fault claims to kill, not the host's PID 1: under an init (tini) a
        // member's PID 1 is neither Patroni nor PostgreSQL, and an orphaned PostgreSQL outlives Patroni.
        const before = await pidsOf(pc, isEtcdName(cluster, name) ? ['etcd'] : ['patroni', 'postgres'], name);
        await cluster.killHost(name);
        return { detail: `${name}: host killed (SIGKILL to every process)`, effect: await observeGone(pc, name, before) };
      });
      return { ...seen, heal: () => forEachName(names, async (name) => { await cluster.startHost(name); return `${name} started`; }) };
    }
    const seen = await forEachNameSeen(names, async (name) => {
      if (isEtcdName(cluster, name)) {
        const before = await pidsOf(pc, ['etcd'], name);
        await signalSome(pc, ['etcd'], name, 'SIGKILL');
        return { detail: `${name}: etcd pid ${before[0]?.[1] ?? 'not running'} killed`, effect: await observeGone(pc, name, before) };
      }
      const before = await pidsOf(pc, ['patroni', 'postgres'], name);
      const [patroni, pg] = before.map(([, pid]) => pid);
      // Patroni first, so it cannot notice the dead postmaster and restart it in between.
      await signalSome(pc, ['patroni', 'postgres'], name, 'SIGKILL');
      return { detail: `${name}: patroni pid ${patroni ?? '-'} and postmaster pid ${pg ?? '-'} killed`, effect: await observeGone(pc, name, before) };
    });
    return {
      ...seen,
      heal: () => forEachName(names, async (name) => {
        await pc.restart(componentOf(cluster, name), name);
        return `${name} restarted`;
      }),
    };
  },
};
