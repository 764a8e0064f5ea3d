/**
 * The label sweep against a hand-made Engine: a list the daemon refuses
 * must not keep the run's other objects running.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const daemon = {
  removed: [] as string[],
  refuse: new Set<string>(),
};
const refusing = async <T>(what: string, v: T): Promise<T> => {
  if (daemon.refuse.has(what)) throw new Error(`${what}: 500 server error`);
  return v;
};
const fake = {
  listContainers: (o: { filters: { status?: string[] } }) => refusing(o.filters.status ? 'paused' : 'ps', o.filters.status ? [] : [{ Id: 'a', Names: ['/pc-r-etcd1'] }, { Id: 'b', Names: ['/pc-r-patroni1'] }]),
  listNetworks: () => refusing('network ls', [{ Name: 'pc-r' }]),
  listVolumes: () => refusing('volume ls', { Volumes: [{ Name: 'pc-r-data' }] }),
  getContainer: (n: string) => ({ remove: async () => { daemon.removed.push(`container ${n}`); }, unpause: async () => undefined }),
  getNetwork: (n: string) => ({ remove: async () => { daemon.removed.push(`network ${n}`); } }),
  getVolume: (n: string) => ({ remove: async () => { daemon.removed.push(`volume ${n}`); } }),
};
vi.mock('./engine.js', async (importOriginal) => ({ ...await importOriginal<typeof import('./engine.js')>(), engine: () => fake }));

const { leftovers, sweep } = await import('./sweep.js');

beforeEach(() => {
  daemon.removed = [];
  daemon.refuse = new Set();
});

describe('sweep of a run by its label', () => {
  it('removes every container, network and volume of the run', async () => {
    expect(await sweep('r')).toEqual({ containers: ['pc-r-etcd1', 'pc-r-patroni1'], networks: ['pc-r'], volumes: ['pc-r-data'] });
    expect(daemon.removed).toEqual(['container pc-r-etcd1', 'container pc-r-patroni1', 'network pc-r', 'volume pc-r-data']);
  });

  it('still removes the containers and the network when the volumes could not be listed, then throws that refusal', async () => {
    daemon.refuse.add('volume ls');
    await expect(sweep('r')).rejects.toThrow(/volume ls failed: .*500 server error/);
    expect(daemon.removed).toEqual(['container pc-r-etcd1', 'container pc-r-patroni1', 'network pc-r']);
  });

  it('still removes the containers when the networks could not be listed', async () => {
    daemon.refuse.add('network ls');
    await expect(sweep('r')).rejects.toThrow(/network ls failed/);
    expect(daemon.removed).toEqual(['container pc-r-etcd1', 'container pc-r-patroni1', 'volume pc-r-data']);
  });

  it('still removes everything when the paused containers could not be listed (rm -f takes them on most daemons)', async () => {
    daemon.refuse.add('paused');
    await sweep('r');
    expect(daemon.removed).toEqual(['container pc-r-etcd1', 'container pc-r-patroni1', 'network pc-r', 'volume pc-r-data']);
  });

  it('lists what is left as exactly the three kinds (the itests compare it whole), and throws a refused list', async () => {
    expect(await leftovers('r')).toEqual({ containers: ['pc-r-etcd1', 'pc-r-patroni1'], networks: ['pc-r'], volumes: ['pc-r-data'] });
    daemon.refuse.add('ps');
    await expect(leftovers('r')).rejects.toThrow(/ps failed/);
  });
});
