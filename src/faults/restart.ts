import type { FaultDefinition } from './types.js';
import { forEachName, processControl } from './process-target.js';

/** A planned node restart: Patroni stopped gracefully (it stops PostgreSQL and hands over the lock), then started again. */
export const restart: FaultDefinition = {
  action: 'restart',
  description: 'stop Patroni gracefully (SIGTERM) on a member and start it again',
  targets: ['member'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pc = processControl(cluster);
    const detail = await forEachName(names, async (name) => {
      await pc.restart('patroni', name);
      return `${name}: patroni restarted`;
    });
    return { detail };
  },
};
