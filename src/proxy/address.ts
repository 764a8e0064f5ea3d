import { lookup } from 'node:dns/promises';
import { isIP, type AddressInfo } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/** Go's net.SplitHostPort for numeric ports: "host:port", "[v6]:port" or ":port". */
export function splitHostPort(address: string): HostPort {
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new Error(`address ${address}: missing port in address`);
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) throw new Error(`address ${address}: too many colons in address`);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new Error(`address ${address}: invalid port`);
  }
  return { host, port: Number(portText) };
}

/**
 * The address to bind for `host`: undefined (every interface) for an empty
 * host, and for a name one of its addresses, IPv4 first, as Go's net.Listen.
 */
export async function resolveBindHost(host: string): Promise<string | undefined> {
  if (host === '') return undefined;
  if (isIP(host) !== 0) return host;
  const addresses = await lookup(host, { all: true });
  const chosen = addresses.find((a) => a.family === 4) ?? addresses[0];
  if (chosen === undefined) throw new Error(`lookup ${host}: no such host`);
  return chosen.address;
}

/** "127.0.0.1:8474" or "[::1]:8474", as Go prints a listener's address. */
export function formatAddress(info: AddressInfo | string | null): string {
  if (info === null || typeof info === 'string') return String(info);
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  return `${host}:${info.port}`;
}
