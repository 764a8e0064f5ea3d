/**
 * The run's bridge network and host ports. Containers get fixed addresses
 * (Docker only honours --ip on a network whose subnet the caller chose), so
 * iptables rules written against an address stay right across a restart.
 * Host ports are fixed too: a random published port would change when a
 * killed container is started again, and the harness would lose its member.
 */
import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';
import { HarnessError } from '../../errors.js';
import { engine, engineMessage, within } from './engine.js';

export interface RunNetwork {
  name: string;
  subnet: string;
  /** The bridge's own address on the host: what containers reach the host by. */
  gateway: string;
  /** Address of the n-th container (n from 0). */
  ip(n: number): string;
}

/**
 * Creates `name` on a free /24 in 172.28.0.0/14 (outside Docker's default
 * pools' usual first picks), retrying another block when one overlaps.
 */
/** `labels` are the run's labels, so that a sweep removes the network too. */
export async function createRunNetwork(name: string, labels: Record<string, string>): Promise<RunNetwork> {
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const second = 28 + randomInt(4);
    const third = randomInt(256);
    const prefix = `172.${second}.${third}`;
    const subnet = `${prefix}.0/24`;
    const made = await within(60_000, (abortSignal) => engine().createNetwork({
      Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels,
      IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: `${prefix}.1` }] }, abortSignal,
    })).then(() => undefined, (err: unknown) => engineMessage(err));
    if (made === undefined) return { name, subnet, gateway: `${prefix}.1`, ip: (n) => `${prefix}.${10 + n}` };
    last = made;
    if (!/overlap|in use|already/i.test(last)) break;
  }
  throw new HarnessError('INTERNAL', `could not create docker network ${name}: ${last}`);
}

/** Ports the kernel says are free on 127.0.0.1 now, all distinct. */
export async function freeHostPorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
