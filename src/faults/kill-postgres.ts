import type { FaultDefinition } from './types.js';
import { forEachNameSeen, observeGone, pidsOf, processControl, signalSome } from './process-target.js';

/** PostgreSQL crashes under a live Patroni, which is expected to restart (or fail over) by itself. */
export const killPostgres: FaultDefinition = {
  action: 'kill-postgres',
  description: 'SIGKILL PostgreSQL on a member; Patroni stays up and must recover it',
  targets: ['member'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pc = processControl(cluster);
    return forEachNameSeen(names, async (name) => {
      const before = await pidsOf(pc, ['postgres'], name);
      await signalSome(pc, ['postgres'], name, 'SIGKILL');
      // Gone or replaced: Patroni may have started a new postmaster by the time we look.
      return { detail: `${name}: postmaster pid ${before[0]?.[1] ?? 'not running'} killed`, effect: await observeGone(pc, name, before) };
    });
  },
};
