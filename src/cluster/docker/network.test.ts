import { describe, expect, it } from 'vitest';
import { freeHostPorts } from './network.js';

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
});
