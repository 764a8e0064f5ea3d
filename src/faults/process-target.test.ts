import { describe, expect, it } from 'vitest';
import type { Component, ProcessControl } from '../cluster/types.js';
import { signalSome } from './process-target.js';

const control = (running: Component[]): ProcessControl & { sent: string[] } => {
  const sent: string[] = [];
  return {
    sent,
    signal: async (c, name, sig) => { sent.push(`${sig} ${c} ${name}`); return running.includes(c); },
    restart: async () => undefined,
    pid: async (c) => (running.includes(c) ? 1 : undefined),
  };
};

describe('signalSome: a fault that would do nothing is refused, not recorded as injected', () => {
  it('signals every component in order and is content when one was running', async () => {
    const pc = control(['postgres']);
    await signalSome(pc, ['patroni', 'postgres'], 'patroni1', 'SIGKILL');
    expect(pc.sent).toEqual(['SIGKILL patroni patroni1', 'SIGKILL postgres patroni1']);
  });

  it('throws, naming the member, when none was running', async () => {
    await expect(signalSome(control([]), ['patroni', 'postgres'], 'patroni1', 'SIGKILL')).rejects.toThrow('patroni and postgres of patroni1 not running: SIGKILL would do nothing');
  });
});
