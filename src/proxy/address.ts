import { lookup } from 'node:dns/promises';
import { isIP, type AddressInfo } from 'node:net';
import { getSystemErrorMap } from 'node:util';

export interface HostPort {
  host: string;
  port: number;
}

/** Go's net.SplitHostPort, then its port parsing: "host:port", "[v6]:port" or ":port"; an empty port is 0. */
export function splitHostPort(address: string): HostPort {
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new Error(`address ${address}: missing port in address`);
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) throw new Error(`address ${address}: too many colons in address`);
  // Go names the port alone here, not the whole address.
  if (!/^\d*$/.test(portText) || Number(portText) > 65535) throw new Error(`address ${portText}: invalid port`);
  return { host, port: Number(portText) };
}

/** A listen address resolved as Go's net.ResolveTCPAddr does, and how to bind it in Node. */
export interface TcpAddr {
  /** Undefined for a wildcard: Node then binds [::] dual-stack, as Go does for "", "0.0.0.0" and "::". */
  bindHost: string | undefined;
  port: number;
  /** As Go's TCPAddr.String(): ":0", "127.0.0.1:8474", "[::1]:8474". */
  text: string;
}

/** Go's net.ResolveTCPAddr("tcp", address): Toxiproxy compares listen addresses in this form. */
export async function resolveTcpAddr(address: string): Promise<TcpAddr> {
  // Go does not split an empty address: it is the wildcard on port 0.
  const { host, port } = address === '' ? { host: '', port: 0 } : splitHostPort(address);
  const ip = await resolveHost(host);
  return { bindHost: bindHost(ip), port, text: joinHostPort(ip, port) };
}

/** The address to bind for `host`: undefined (every interface) for a wildcard, else one of its addresses. */
export async function resolveBindHost(host: string): Promise<string | undefined> {
  return bindHost(await resolveHost(host));
}

function bindHost(ip: string): string | undefined {
  return ip === '' || ip === '0.0.0.0' || ip === '::' ? undefined : ip;
}

/** An IP as Go prints it ('' stays the wildcard); a name becomes one of its addresses, IPv4 first, as Go picks. */
async function resolveHost(host: string): Promise<string> {
  if (host === '') return '';
  if (isIP(host) === 4) return host;
  if (isIP(host) === 6) return canonicalIPv6(host);
  let addresses;
  try {
    addresses = await lookup(host, { all: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`lookup ${host}: ${code === 'ENOTFOUND' ? 'no such host' : String(code ?? err)}`);
  }
  const chosen = addresses.find((a) => a.family === 4) ?? addresses[0];
  if (chosen === undefined) throw new Error(`lookup ${host}: no such host`);
  return chosen.family === 6 ? canonicalIPv6(chosen.address) : chosen.address;
}

/** RFC 5952 form ("::1" for "0:0:0:0:0:0:0:1"), as Go prints IPv6; a zone or odd form is kept as given. */
function canonicalIPv6(ip: string): string {
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** "127.0.0.1:8474" or "[::1]:8474", as Go prints a listener's address. */
export function formatAddress(info: AddressInfo | string | null): string {
  if (info === null || typeof info === 'string') return String(info);
  return joinHostPort(info.address, info.port);
}

// Linux's strerror texts, which Go's syscall.Errno prints; libuv words some of them differently.
const STRERROR: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EAFNOSUPPORT: 'address family not supported by protocol',
  EINVAL: 'invalid argument',
};

/**
 * Go's net.Listen error for a failed bind, which Toxiproxy's API passes on:
 * "listen tcp 127.0.0.1:8474: bind: address already in use". `address` is
 * the resolved address as Go prints it.
 */
export function listenError(err: unknown, address: string): Error {
  const { code, errno } = err as NodeJS.ErrnoException;
  if (code === undefined) return new Error(`listen tcp ${address}: ${err instanceof Error ? err.message : String(err)}`);
  const text = STRERROR[code] ?? (errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1]) ?? code;
  return new Error(`listen tcp ${address}: bind: ${text}`);
}
