import type { FaultDefinition } from './types.js';
import { forEachName, forEachNameSeen, observeGone, pidsOf, processControl, signalSome } from './process-target.js';

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
    const seen = await forEachNameSeen(names, async (name) => {
      const before = await pidsOf(pc, ['patroni'], name);
      await signalSome(pc, ['patroni'], name, 'SIGKILL');
      return { detail: `${name}: patroni pid ${before[0]?.[1] ?? 'not running'} killed, PostgreSQL left running`, effect: await observeGone(pc, name, before) };
    });
    return {
      ...seen,
      heal: () => forEachName(names, async (name) => {
        await pc.restart('patroni', name);
        return `${name}: patroni restarted`;
      }),
    };
  },
};
