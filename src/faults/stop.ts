import { hasHostControl } from '../cluster/types.js';
import type { FaultDefinition } from './types.js';
import { forEachName, isEtcdName, processControl, signalSome } from './process-target.js';

/**
 * A frozen host: SIGSTOP of every process of a member (Patroni and all of
 * PostgreSQL) or of an etcd member. Sockets stay open and nothing answers,
 * which is harder on clients than a crash. The cure is SIGCONT. Where the
 * provider has whole hosts (docker), the host's cgroup is frozen instead.
 */
export const stop: FaultDefinition = {
  action: 'stop',
  description: 'SIGSTOP a member (Patroni and PostgreSQL) or an etcd member: a frozen host; heal sends SIGCONT',
  targets: ['member', 'etcd'],
  needs: ['process-control'],
  async inject(cluster, names) {
    if (hasHostControl(cluster)) {
      const detail = await forEachName(names, async (name) => { await cluster.freezeHost(name); return `${name}: host frozen`; });
      return { detail, heal: () => forEachName(names, async (name) => { await cluster.thawHost(name); return `${name}: host thawed`; }) };
    }
    const pc = processControl(cluster);
    const signalAll = (sig: NodeJS.Signals) => (name: string) => (isEtcdName(cluster, name)
      ? signalSome(pc, ['etcd'], name, sig).then(() => `${name}: etcd ${sig}`)
      : signalSome(pc, ['patroni', 'postgres'], name, sig).then(() => `${name}: patroni and postgres ${sig}`));
    const detail = await forEachName(names, signalAll('SIGSTOP'));
    return { detail, heal: () => forEachName(names, signalAll('SIGCONT')) };
  },
};
