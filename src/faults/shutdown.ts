import { errorMessage, HarnessError } from '../errors.js';
import { pollUntil } from '../cluster/wait/poll.js';
import type { Component } from '../cluster/types.js';
import type { FaultDefinition } from './types.js';
import { componentOf, forEachName, forEachNameSeen, isEtcdName, processControl, signalSome } from './process-target.js';

/** As `docker stop -t 30`: the time a graceful stop gets before it becomes a kill. */
const GRACE_MS = 30_000;

/**
 * A planned stop, as the runbook's `docker stop email-patroni1`: SIGTERM, so
 * Patroni stops PostgreSQL cleanly and gives up the leader key (etcd leaves
 * its peers cleanly), then SIGKILL if it is still running after 30 s. It
 * stays down until healed, and the cure starts it again with its data, as
 * `docker start`. Unlike `restart`, the scenario chooses how long it is down.
 */
export const shutdown: FaultDefinition = {
  action: 'shutdown',
  description: 'stop a member or an etcd member gracefully (SIGTERM, SIGKILL after 30 s) and keep it down; heal starts it again',
  targets: ['member', 'etcd'],
  needs: ['process-control'],
  async inject(cluster, names) {
    const pc = processControl(cluster);
    // The loop below returns only once no process of the member is left: that is the effect.
    const seen = await forEachNameSeen(names, async (name) => {
      const components: Component[] = isEtcdName(cluster, name) ? ['etcd'] : ['patroni', 'postgres'];
      const started = Date.now();
      await signalSome(pc, components.slice(0, 1), name, 'SIGTERM');
      const running = async () => (await Promise.all(components.map((c) => pc.pid(c, name)))).some((p) => p !== undefined);
      // After the SIGKILL too: a killed process takes a moment to go.
      const gone = async () => {
        await pollUntil(async () => ((await running()) ? 'still running' : true), { timeoutMs: 10_000, intervalMs: 100, what: `${name} to stop` })
          .catch((err: unknown) => { throw new HarnessError('FAULT_FAILED', `${name}: ${errorMessage(err)}`, { cause: err }); });
        return `${name}: no ${components.join(' or ')} process left`;
      };
      while (await running()) {
        if (Date.now() - started > GRACE_MS) {
          await signalSome(pc, components, name, 'SIGKILL').catch(() => undefined); // it may have exited meanwhile
          return { detail: `${name}: did not stop within ${GRACE_MS / 1000} s of SIGTERM, killed`, effect: await gone() };
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      return { detail: `${name}: stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`, effect: await gone() };
    });
    return {
      ...seen,
      heal: () => forEachName(names, async (name) => {
        await pc.restart(componentOf(cluster, name), name);
        return `${name} started`;
      }),
    };
  },
};
