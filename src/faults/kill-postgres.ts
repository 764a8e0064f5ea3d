import type { FaultDefinition } from './types.js';
import { forEachName, processControl, signalSome } from './process-target.js';

/** PostgreSQL crashes under a live Patroni, which is expected to restart (or fail over) by itself. */
export const killPostgres: FaultDefinition = {
  action: 'kill-postgres',
  description: 'SIGKILL PostgreSQL on a member; Patroni stays up and must recover it',
  targets: ['member'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pc = processControl(cluster);
    const detail = await forEachName(names, async (name) => {
      const pid = await pc.pid('postgres', name);
      await signalSome(pc, ['postgres'], name, 'SIGKILL');
      return `${name}: postmaster pid ${pid ?? 'not running'} killed`;
    });
    return { detail };
  },
};
