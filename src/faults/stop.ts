import { hasHostControl } from '../cluster/types.js';
import { now } from '../history/clock.js';
import type { FaultDefinition } from './types.js';
import { forEachName, isEtcdName, processControl, signalSome } from './process-target.js';
import { observeSilent } from './silence.js';
import { injectOnHaproxies, vipPairFor } from './vip.js';
import { injectOnPoolers, poolersFor } from './pgbouncer.js';

/**
 * A frozen host: SIGSTOP of every process of a member (Patroni and all of
 * PostgreSQL) or of an etcd member. Sockets stay open and nothing answers,
 * which is harder on clients than a crash. The cure is SIGCONT. Where the
 * provider has whole hosts (docker), the host's cgroup is frozen instead.
 * The member is seen to answer nothing before the fault counts as injected.
 */
export const stop: FaultDefinition = {
  action: 'stop',
  description: 'SIGSTOP a member (Patroni and PostgreSQL), an etcd member, or in the seeds topology an HAProxy of the VIP pair (a frozen host) or a member\'s PgBouncer; heal sends SIGCONT',
  targets: ['member', 'etcd', 'haproxy', 'pgbouncer'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pair = vipPairFor(cluster, names);
    if (pair !== undefined) return injectOnHaproxies(pair, names, 'freeze');
    const pooled = poolersFor(cluster, names);
    if (pooled !== undefined) return injectOnPoolers(pooled.cluster, pooled.members, 'freeze');
    let freeze: (name: string) => Promise<string>;
    let thaw: (name: string) => Promise<string>;
    if (hasHostControl(cluster)) {
      freeze = async (name) => { await cluster.freezeHost(name); return `${name}: host frozen`; };
      thaw = async (name) => { await cluster.thawHost(name); return `${name}: host thawed`; };
    } else {
      const pc = processControl(cluster);
      const signalAll = (sig: NodeJS.Signals) => (name: string) => (isEtcdName(cluster, name)
        ? signalSome(pc, ['etcd'], name, sig).then(() => `${name}: etcd ${sig}`)
        : signalSome(pc, ['patroni', 'postgres'], name, sig).then(() => `${name}: patroni and postgres ${sig}`));
      [freeze, thaw] = [signalAll('SIGSTOP'), signalAll('SIGCONT')];
    }
    const heal = () => forEachName(names, thaw);
    const detail = await forEachName(names, freeze);
    // The silence takes a timeout to see; the fault was in force before it.
    const inForceAt = now();
    try {
      return { detail, effect: await forEachName(names, (name) => observeSilent(cluster, name)), inForceAt, heal };
    } catch (err) {
      await heal().catch(() => undefined); // not injected, so never healed by the runner
      throw err;
    }
  },
};
