import { HarnessError } from '../errors.js';
import type { FaultDefinition } from './types.js';
import { componentOf, forEachNameSeen, processControl } from './process-target.js';

/**
 * A planned restart, as the runbook's `docker restart email-etcd1`: Patroni
 * stopped gracefully (it stops PostgreSQL and hands over the lock), or an
 * etcd member, then started again at once. A new process must be running
 * afterwards: the same PID means nothing was restarted.
 */
export const restart: FaultDefinition = {
  action: 'restart',
  description: 'stop Patroni (SIGTERM) on a member, or an etcd member, gracefully and start it again',
  targets: ['member', 'etcd'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pc = processControl(cluster);
    return forEachNameSeen(names, async (name) => {
      const component = componentOf(cluster, name);
      const before = await pc.pid(component, name);
      await pc.restart(component, name);
      const after = await pc.pid(component, name);
      if (after === undefined) throw new HarnessError('FAULT_FAILED', `${name}: ${component} is not running after its restart`);
      if (after === before) throw new HarnessError('FAULT_FAILED', `${name}: ${component} pid ${after} is the one from before the restart: nothing was restarted`);
      return { detail: `${name}: ${component} restarted`, effect: `${name}: ${component} pid ${before ?? '-'} replaced by pid ${after}` };
    });
  },
};
