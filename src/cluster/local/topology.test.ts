import { describe, expect, it } from 'vitest';
import { allPorts, buildTopology, PORT_BLOCK } from './topology.js';

const topo = (portBase: number) => buildTopology({ runId: 'r1', runRoot: '/tmp/pc', portBase }, {});

describe('topology', () => {
  it('puts every port of a run inside its block, without collisions', () => {
    const ports = allPorts(topo(7000));
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBe(7000);
    expect(Math.max(...ports)).toBeLessThan(7000 + PORT_BLOCK);
  });

  it('gives two runs whose bases are a block apart disjoint ports', () => {
    const a = new Set(allPorts(topo(7000)));
    expect(allPorts(topo(7000 + PORT_BLOCK)).filter((p) => a.has(p))).toEqual([]);
  });

  it('keeps the documented HAProxy layout at the default base', () => {
    const t = buildTopology({ runId: 'r1', runRoot: '/tmp/pc' }, {});
    expect([t.haproxy.primaryPort, t.haproxy.replicaPort, t.haproxy.anyPort]).toEqual([5000, 5001, 5002]);
  });

  it('names members as the documents do and keeps their files inside the run folder', () => {
    const t = topo(7000);
    expect(t.members.map((m) => m.name)).toEqual(['patroni1', 'patroni2', 'patroni3']);
    expect(t.etcd.map((e) => e.name)).toEqual(['etcd1', 'etcd2', 'etcd3']);
    for (const m of t.members) {
      for (const p of [m.dataDir, m.socketDir, m.configFile, m.pgpass, m.logFile]) expect(p.startsWith('/tmp/pc/r1/')).toBe(true);
    }
    expect(new Set(t.members.map((m) => m.pgpass)).size).toBe(3);
  });
});
