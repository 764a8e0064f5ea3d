import { hasHostControl } from '../cluster/types.js';
import type { FaultDefinition } from './types.js';
import { componentOf, forEachName, isEtcdName, processControl, signalSome } from './process-target.js';

/**
 * A node crash: SIGKILL of PostgreSQL (every process of it) and Patroni on a
 * member, or of an etcd member. The cure starts the component again: Patroni
 * brings PostgreSQL back, rewinding it into a replica if it was the primary.
 * Where the provider has whole hosts (docker), the host dies at once instead.
 */
export const kill: FaultDefinition = {
  action: 'kill',
  description: 'SIGKILL a member (Patroni and PostgreSQL) or an etcd member; heal restarts it',
  targets: ['member', 'etcd'],
  needs: ['process-control'],
  async inject(cluster, names) {
    if (hasHostControl(cluster)) {
      const detail = await forEachName(names, async (name) => {
        await cluster.killHost(name);
        return `${name}: host killed (SIGKILL to every process)`;
      });
      return { detail, heal: () => forEachName(names, async (name) => { await cluster.startHost(name); return `${name} started`; }) };
    }
    const pc = processControl(cluster);
    const detail = await forEachName(names, async (name) => {
      if (isEtcdName(cluster, name)) {
        const pid = await pc.pid('etcd', name);
        await signalSome(pc, ['etcd'], name, 'SIGKILL');
        return `${name}: etcd pid ${pid ?? 'not running'} killed`;
      }
      const [pg, patroni] = [await pc.pid('postgres', name), await pc.pid('patroni', name)];
      // Patroni first, so it cannot notice the dead postmaster and restart it in between.
      await signalSome(pc, ['patroni', 'postgres'], name, 'SIGKILL');
      return `${name}: patroni pid ${patroni ?? '-'} and postmaster pid ${pg ?? '-'} killed`;
    });
    return {
      detail,
      heal: () => forEachName(names, async (name) => {
        await pc.restart(componentOf(cluster, name), name);
        return `${name} restarted`;
      }),
    };
  },
};
