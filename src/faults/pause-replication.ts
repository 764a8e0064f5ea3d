import type { FaultDefinition } from './types.js';
import { forEachName, processControl } from './process-target.js';

/**
 * Replication stalls while everything else runs: SIGSTOP of a member's
 * walsenders (on the primary: no replica receives WAL) or of its walreceiver
 * (on a replica: that replica falls behind). Commits acknowledged meanwhile
 * under asynchronous replication exist on the primary alone. The cure is SIGCONT.
 */
export const pauseReplication: FaultDefinition = {
  action: 'pause-replication',
  description: 'SIGSTOP the WAL sender processes (primary) or WAL receiver (replica) of a member; heal sends SIGCONT',
  targets: ['member'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pc = processControl(cluster);
    const signalAll = (sig: NodeJS.Signals) => (name: string) => pc.signal('replication', name, sig).then((any) => `${name}: WAL streaming ${sig}${any ? '' : ' (no WAL process found)'}`);
    const detail = await forEachName(names, signalAll('SIGSTOP'));
    return { detail, heal: () => forEachName(names, signalAll('SIGCONT')) };
  },
};
