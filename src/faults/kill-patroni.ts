import type { FaultDefinition } from './types.js';
import { forEachName, processControl, signalSome } from './process-target.js';

/**
 * Patroni dies while its PostgreSQL keeps running: without a watchdog a
 * primary goes on accepting writes after its leader key expires, the
 * classic split-brain risk. The cure starts Patroni again.
 */
export const killPatroni: FaultDefinition = {
  action: 'kill-patroni',
  description: 'SIGKILL Patroni on a member, leaving PostgreSQL running; heal restarts Patroni',
  targets: ['member'],
  needs: ['process-control', 'patroni-signal'],
  async inject(cluster, names) {
    const pc = processControl(cluster);
    const detail = await forEachName(names, async (name) => {
      const pid = await pc.pid('patroni', name);
      await signalSome(pc, ['patroni'], name, 'SIGKILL');
      return `${name}: patroni pid ${pid ?? 'not running'} killed, PostgreSQL left running`;
    });
    return {
      detail,
      heal: () => forEachName(names, async (name) => {
        await pc.restart('patroni', name);
        return `${name}: patroni restarted`;
      }),
    };
  },
};
