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
    // Another subnet cannot help a name another run holds.
    if (/with name .* already exists/i.test(last) || !/overlap|in use|already/i.test(last)) break;
  }
  throw new HarnessError('INTERNAL', `could not create docker network ${name}: ${last}`);
}

/** A port the kernel says is free now; it is free again once the call returns (the caller closes it). */
function probePort(): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      resolve({ port: typeof a === 'object' && a !== null ? a.port : 0, close: () => new Promise((r) => { s.close(() => r()); }) });
    });
  });
}

/**
 * Ports this process handed out lately. A port is free only until docker
 * binds it, seconds later: a run starting meanwhile (run --parallel) could
 * be told the same one. The last RECENT_PORTS are not handed out again.
 */
const handedOut: number[] = [];
const RECENT_PORTS = 2000;

/** Ports the kernel says are free on 127.0.0.1 now, all distinct, and none handed out lately to another run of this process. */
export async function freeHostPorts(n: number, probe: typeof probePort = probePort): Promise<number[]> {
  const held: Array<{ port: number; close(): Promise<void> }> = [];
  const ports: number[] = [];
  try {
    // Each probe stays open until the end, so the kernel gives out distinct ports within the call.
    while (ports.length < n) {
      // Each probe holds a socket open: give up long before the descriptors run out.
      if (held.length >= n + 200) throw new HarnessError('INTERNAL', `could not find ${n} free host ports not handed out to another run`);
      const p = await probe();
      held.push(p);
      if (!handedOut.includes(p.port) && !ports.includes(p.port)) ports.push(p.port);
    }
  } finally {
    await Promise.all(held.map((p) => p.close()));
  }
  handedOut.push(...ports);
  handedOut.splice(0, Math.max(0, handedOut.length - RECENT_PORTS));
  return ports;
}
