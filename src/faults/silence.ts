import { HarnessError } from '../errors.js';
import { memberStatus } from '../cluster/etcd-api.js';
import { getPatroni } from '../cluster/patroni-api.js';
import { queryOne } from '../cluster/sql.js';
import type { StartedCluster } from '../cluster/types.js';

/**
 * A frozen member answers nothing: its Patroni REST API and its PostgreSQL
 * (or its etcd) accept a connection in the kernel and never reply. Returns
 * the observation; throws FAULT_FAILED when something still answers, which
 * means the freeze missed a process that serves it.
 */
export async function observeSilent(cluster: StartedCluster, name: string, timeoutMs = 1000): Promise<string> {
  const within = `within ${(timeoutMs / 1000).toFixed(1)} s`;
  const etcd = cluster.etcd.find((e) => e.name === name);
  if (etcd !== undefined) {
    const answered = await memberStatus(etcd.clientUrl, timeoutMs).then(() => true, () => false);
    if (answered) throw new HarnessError('FAULT_FAILED', `${name} still answers /v3/maintenance/status: it is not frozen`);
    return `${name}: etcd did not answer ${within}`;
  }
  const m = cluster.members.find((x) => x.name === name);
  if (m === undefined) throw new HarnessError('FAULT_FAILED', `no member ${name} to see frozen`);
  const [rest, sql] = await Promise.all([
    getPatroni(m.restUrl, timeoutMs).then(() => true, () => false),
    queryOne(m.pg, cluster.credentials, 'SELECT 1', { timeoutMs }).then(() => true, () => false),
  ]);
  const answering = [rest ? "Patroni's REST API" : undefined, sql ? 'PostgreSQL' : undefined].filter((x) => x !== undefined);
  if (answering.length > 0) throw new HarnessError('FAULT_FAILED', `${name}: ${answering.join(' and ')} still answer(s): it is not frozen`);
  return `${name}: neither Patroni's REST API nor PostgreSQL answered ${within}`;
}
