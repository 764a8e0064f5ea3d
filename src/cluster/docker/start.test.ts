/**
 * startDockerCluster up to its network, with the Engine faked: what a start
 * that fails or is stopped there removes, and that it removes only its own.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'pc-docker-start-'));
afterAll(() => { rmSync(root, { recursive: true, force: true }); });
const events: string[] = [];
const engine = {
  /** What creating the run's network does (the other steps are never reached here). */
  network: async (): Promise<void> => undefined,
  beforeRegistering: async (): Promise<void> => undefined,
  ports: async (n: number): Promise<number[]> => Array.from({ length: n }, (_, i) => 45000 + i),
};

vi.mock('../run-root.js', () => ({ runRoot: () => root }));
vi.mock('./owner.js', async (importOriginal) => ({ ...await importOriginal<typeof import('./owner.js')>(), reapOrphans: async () => { await engine.beforeRegistering(); return []; } }));
vi.mock('./images.js', async (importOriginal) => ({ ...await importOriginal<typeof import('./images.js')>(), requireImages: async () => ({}) }));
vi.mock('./sweep.js', async (importOriginal) => ({ ...await importOriginal<typeof import('./sweep.js')>(), sweep: async (runId: string) => { events.push(`sweep ${runId}`); return { containers: [], networks: [], volumes: [] }; } }));
vi.mock('./network.js', async (importOriginal) => ({
  ...await importOriginal<typeof import('./network.js')>(),
  createRunNetwork: async (name: string) => {
    events.push(`network ${name}`);
    await engine.network();
    events.push(`made ${name}`);
    return { name, subnet: '172.28.1.0/24', gateway: '172.28.1.1', ip: (n: number) => `172.28.1.${10 + n}` };
  },
  freeHostPorts: (n: number) => engine.ports(n),
}));

let mods: { start: typeof import('./start.js'); live: typeof import('../live.js'); shutdown: typeof import('../../cli/shutdown.js') };
beforeEach(async () => {
  vi.resetModules();
  mods = { start: await import('./start.js'), live: await import('../live.js'), shutdown: await import('../../cli/shutdown.js') };
  events.length = 0;
  engine.network = async () => undefined;
  engine.beforeRegistering = async () => undefined;
  engine.ports = async (n) => Array.from({ length: n }, (_, i) => 45000 + i);
});

describe('startDockerCluster: what a failed or stopped start removes', () => {
  it('gives every run its own id: a timestamp and 6 random bytes', () => {
    expect(mods.start.newDockerRunId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{12}$/);
    expect(mods.start.newDockerRunId()).not.toBe(mods.start.newDockerRunId());
  });

  it('does not sweep a run whose network it could not make: another run holding that id keeps its containers', async () => {
    engine.network = async () => { throw new Error('could not create docker network pc-x: network with name pc-x already exists'); };
    await expect(mods.start.startDockerCluster({ runId: 'clash', build: false })).rejects.toThrow(/already exists/);
    expect(events).toEqual(['network pc-clash']);
  });

  it('sweeps a run whose network it made when a later step fails', async () => {
    engine.ports = async () => { throw new Error('test: no host ports'); };
    await expect(mods.start.startDockerCluster({ runId: 'late', build: false })).rejects.toThrow(/no host ports/);
    expect(events).toEqual(['network pc-late', 'made pc-late', 'sweep late']);
  });

  it('makes nothing, not even its folder, once a stop of everything began before it registered', async () => {
    engine.beforeRegistering = async () => { void mods.shutdown.stopEverything(); };
    await expect(mods.start.startDockerCluster({ runId: 'refused', build: false })).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(events).toEqual([]);
    expect(existsSync(join(root, 'refused'))).toBe(false);
  });

  it('a stop while its network is being made resolves only once that network is swept, and nothing of the run is left registered', async () => {
    let stopped: Promise<void> | undefined;
    engine.network = async () => {
      stopped = mods.shutdown.stopEverything().then(() => { events.push('stop resolved'); });
      await new Promise((r) => setTimeout(r, 50));
    };
    await expect(mods.start.startDockerCluster({ runId: 'mid', build: false })).rejects.toMatchObject({ code: 'INTERRUPTED' });
    await stopped;
    expect(events).toEqual(['network pc-mid', 'made pc-mid', 'sweep mid', 'stop resolved']);
    expect(mods.live.liveClusters.size).toBe(0);
  });
});
