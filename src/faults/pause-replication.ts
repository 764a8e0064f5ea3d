import { now } from '../history/clock.js';
import type { FaultDefinition } from './types.js';
import { forEachName, processControl } from './process-target.js';
import { HarnessError } from '../errors.js';
import { proveWalStalled, sqlWalAccess, type WalAccess } from './wal-stall.js';
import type { StartedCluster } from '../cluster/types.js';

/** Long enough for a live stream to deliver a flushed record many times over; short next to any hold. */
const STALL_WINDOW_MS = 2000;

/**
 * Replication stalls while everything else runs: SIGSTOP of a member's
 * walsenders (on the primary: no replica receives WAL) or of its walreceiver
 * (on a replica: that replica falls behind). Commits acknowledged meanwhile
 * under asynchronous replication exist on the primary alone. The cure is SIGCONT.
 * A member with no WAL process, or whose stream is not seen to stall, is the
 * fault's failure: the run must not go on as if replication were paused.
 */
export function pauseReplicationWith(wal: (cluster: StartedCluster) => WalAccess, windowMs: number): FaultDefinition {
  return {
    action: 'pause-replication',
    description: 'SIGSTOP the WAL sender processes (primary) or WAL receiver (replica) of a member; heal sends SIGCONT',
    targets: ['member'],
    needs: ['process-control'],
    async inject(cluster, names) {
      const pc = processControl(cluster);
      const signalAll = (sig: NodeJS.Signals) => (name: string) => pc.signal('replication', name, sig).then((any) => {
        if (!any) throw new HarnessError('FAULT_FAILED', `${name} has no WAL sender or receiver process: ${sig} would pause nothing`);
        return `${name}: WAL streaming ${sig}`;
      });
      // A stopped process is still there (state T) and is found; none found means nothing is left
      // stopped (another fault killed the member since), so the cure has nothing to do and is done.
      const heal = () => forEachName(names, (name) => pc.signal('replication', name, 'SIGCONT').then((any) =>
        any ? `${name}: WAL streaming SIGCONT` : `${name}: no WAL process left stopped (it exited since), nothing to resume`));
      try {
        const detail = await forEachName(names, signalAll('SIGSTOP'));
        const inForceAt = now();
        const effect = await forEachName(names, (name) => proveWalStalled(cluster, name, wal(cluster), windowMs));
        return { detail, effect, inForceAt, heal };
      } catch (err) {
        // Not injected, so never healed by the runner: a paused stream must not outlive the failed step.
        await heal().catch(() => undefined);
        throw err;
      }
    },
  };
}

export const pauseReplication: FaultDefinition = pauseReplicationWith(sqlWalAccess, STALL_WINDOW_MS);
