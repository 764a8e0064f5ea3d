/**
 * A docker run's stop with the Engine's sweep faked: the run's labelled
 * objects are swept whatever part of the stop before it threw, and the
 * earlier error is the one the stop throws.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveClusters } from '../live.js';
import { DOCKER_ETCD, DOCKER_MEMBERS, DockerCluster, type DockerNodeInfo } from './docker-cluster.js';
import { ETCD_CLIENT_PORT, HAPROXY_PORTS, PG_PORT, REST_PORT } from './render.js';

const engine = {
  swept: [] as string[],
  sweep: async (): Promise<void> => undefined,
  left: { containers: [] as string[], networks: [] as string[], volumes: [] as string[] },
};
vi.mock('./sweep.js', async (importOriginal) => ({
  ...await importOriginal<typeof import('./sweep.js')>(),
  sweep: async (runId: string) => { engine.swept.push(runId); await engine.sweep(); return { containers: [], networks: [], volumes: [] }; },
  leftovers: async () => engine.left,
}));

const root = mkdtempSync(join(tmpdir(), 'pc-docker-stop-'));
afterAll(() => { rmSync(root, { recursive: true, force: true }); });
const made: DockerCluster[] = [];
beforeEach(() => {
  Object.assign(engine, { swept: [], sweep: async () => undefined, left: { containers: [], networks: [], volumes: [] } });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  for (const c of made.splice(0)) liveClusters.delete(c);
  vi.restoreAllMocks();
});

function cluster(runId: string): DockerCluster {
  const ports = { [PG_PORT]: 1, [REST_PORT]: 2, [ETCD_CLIENT_PORT]: 3, ...Object.fromEntries(Object.values(HAPROXY_PORTS).map((p) => [p, 4])) };
  const node = (name: string, role: DockerNodeInfo['role'], i: number): [string, DockerNodeInfo] => [name, { name, role, ip: `10.9.0.${i}`, container: `pc-${runId}-${name}`, ports }];
  const nodes = new Map([...DOCKER_ETCD.map((n, i) => node(n, 'etcd', 10 + i)), ...DOCKER_MEMBERS.map((n, i) => node(n, 'patroni', 20 + i)), node('haproxy', 'haproxy', 30)]);
  // Network, images and credentials are not read by a stop.
  const c = new DockerCluster(runId, join(root, runId), 'bookworm', 'synchronous', {}, {} as never, {} as never, nodes, {} as never);
  made.push(c);
  return c;
}

describe('docker: a stop ends with the sweep of the run\'s label', () => {
  it('sweeps after a log collection that threw (the soak\'s stack overflow), then throws that error', async () => {
    const c = cluster('logs-threw');
    vi.spyOn(c, 'collectLogs').mockImplementation(() => { throw new RangeError('Maximum call stack size exceeded'); });
    await expect(c.stop()).rejects.toThrow('Maximum call stack size exceeded');
    expect(engine.swept).toEqual(['logs-threw']);
  });

  it('throws the log collection\'s error, not the sweep\'s, when both failed, and says the sweep\'s', async () => {
    const c = cluster('both-threw');
    vi.spyOn(c, 'collectLogs').mockImplementation(() => { throw new RangeError('Maximum call stack size exceeded'); });
    engine.sweep = async () => { throw new Error('docker volume ls failed: daemon gone'); };
    await expect(c.stop()).rejects.toThrow('Maximum call stack size exceeded');
    expect(vi.mocked(process.stderr.write).mock.calls.map(([s]) => String(s)).join('')).toContain('docker volume ls failed: daemon gone');
  });

  it('leaves a run whose sweep left objects registered, and says what was left', async () => {
    const c = cluster('left');
    engine.left = { containers: ['pc-left-etcd1'], networks: [], volumes: [] };
    await expect(c.stop()).rejects.toThrow(/left .*pc-left-etcd1.* after sweep/);
    // A later stop of everything (Ctrl-C, the CLI's exit) sweeps it again.
    expect(liveClusters.has(c)).toBe(true);
  });

  it('a clean stop sweeps once and unregisters the run; a second stop does nothing more', async () => {
    const c = cluster('clean');
    await c.stop();
    await c.stop();
    expect(engine.swept).toEqual(['clean']);
    expect(liveClusters.has(c)).toBe(false);
  });
});
