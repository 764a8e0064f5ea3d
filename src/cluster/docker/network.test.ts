import { describe, expect, it } from 'vitest';
import { freeHostPorts, HOST_PORT_RANGE } from './network.js';

/** A kernel that hands out these ports in turn, as it may once a probe's port is closed again. */
const kernel = (ports: number[]) => {
  let i = 0;
  return async () => ({ port: ports[i++ % ports.length] as number, close: async () => undefined });
};

describe('freeHostPorts: runs starting at once (run --parallel) are never told the same host port', () => {
  it('does not hand out again a port it gave another run moments ago, though the kernel offers it again', async () => {
    const probe = kernel([41001, 41002, 41003, 41004, 41005, 41006]);
    const first = await freeHostPorts(3, probe);
    // The kernel starts over: docker has not bound the first run's ports yet.
    const again = kernel([41001, 41002, 41003, 41004, 41005, 41006]);
    const second = await freeHostPorts(3, again);
    expect(first).toEqual([41001, 41002, 41003]);
    expect(second).toEqual([41004, 41005, 41006]);
  });

  it('gives distinct ports within a call, and gives up rather than loop when none are left', async () => {
    expect(await freeHostPorts(2, kernel([42001, 42001, 42002]))).toEqual([42001, 42002]);
    await expect(freeHostPorts(1, kernel([42001]))).rejects.toThrow(/could not find 1 free host ports/);
  });

  it('skips a port the probe found taken (0), and gives up if every draw is taken', async () => {
    expect(await freeHostPorts(2, kernel([0, 43001, 0, 43002]))).toEqual([43001, 43002]);
    await expect(freeHostPorts(1, kernel([0]))).rejects.toThrow(/could not find 1 free host ports/);
  });

  it('draws real ports below the kernel\'s ephemeral range, where no outgoing connection takes one meanwhile', async () => {
    const ports = await freeHostPorts(30);
    expect(new Set(ports).size).toBe(30);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(HOST_PORT_RANGE.low);
      expect(p).toBeLessThanOrEqual(HOST_PORT_RANGE.high);
    }
  });
});
