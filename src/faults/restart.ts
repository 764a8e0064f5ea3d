import type { FaultDefinition } from './types.js';
import { componentOf, forEachName, processControl } from './process-target.js';

/**
 * A planned restart, as the runbook's `docker restart email-etcd1`: Patroni
 * stopped gracefully (it stops PostgreSQL and hands over the lock), or an
 * etcd member, then started again at once.
 */
export const restart: FaultDefinition = {
  action: 'restart',
  description: 'stop Patroni (SIGTERM) on a member, or an etcd member, gracefully and start it again',
  targets: ['member', 'etcd'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pc = processControl(cluster);
    const detail = await forEachName(names, async (name) => {
      const component = componentOf(cluster, name);
      await pc.restart(component, name);
      return `${name}: ${component} restarted`;
    });
    return { detail };
  },
};
