/**
 * The docker provider's proxied links, in runs with a latency or bandwidth
 * fault: the same links as the local provider's (each member to each etcd
 * member, its PostgreSQL and REST to its peers and to HAProxy), carried by
 * the project's Toxiproxy-API server in a container of the run, or by a
 * Toxiproxy the user runs on the docker host.
 */
import type { ProxiedLink } from '../proxied-links.js';
import type { Endpoint, LinkKind } from '../types.js';
import { ETCD_CLIENT_PORT, PG_PORT, REST_PORT, type DockerNode } from './render.js';

/** The proxy container's API port, and the first of its link ports. */
export const PROXY_API_PORT = 8474;
export const FIRST_LINK_PORT = 10_000;

/** A link before it has an address: who, what kind, and which container port it fronts. */
export interface LinkShape {
  name: string;
  member: string;
  kind: LinkKind;
  upstream: Endpoint;
  speaks: ProxiedLink['speaks'];
}

/** Every link of the run, named as the local provider names them. */
export function linkShapes(members: readonly DockerNode[], etcd: readonly DockerNode[]): LinkShape[] {
  const dcs = members.flatMap((m) => etcd.map((e): LinkShape => ({ name: `${m.name}-${e.name}`, member: m.name, kind: 'dcs', upstream: { host: e.ip, port: ETCD_CLIENT_PORT }, speaks: 'etcd' })));
  const own = members.flatMap((m): LinkShape[] => [
    { name: `${m.name}-pg-peer`, member: m.name, kind: 'peer', upstream: { host: m.ip, port: PG_PORT }, speaks: 'postgres' },
    { name: `${m.name}-rest-peer`, member: m.name, kind: 'peer', upstream: { host: m.ip, port: REST_PORT }, speaks: 'patroni-rest' },
    { name: `${m.name}-pg-client`, member: m.name, kind: 'client', upstream: { host: m.ip, port: PG_PORT }, speaks: 'postgres' },
    { name: `${m.name}-rest-client`, member: m.name, kind: 'client', upstream: { host: m.ip, port: REST_PORT }, speaks: 'patroni-rest' },
  ]);
  return [...dcs, ...own];
}

/** A link with its addresses: `via` is where the containers reach it (what Patroni and HAProxy are configured with). */
export interface DockerLink extends ProxiedLink {
  via: Endpoint;
  /** The port the proxy listens on inside its container (proxy container only): iptables rules name it. */
  innerPort?: number;
}

const hostPort = (e: Endpoint) => `${e.host}:${e.port}`;

/**
 * Links carried by the proxy container at `proxyIp`: each listens on its
 * own port there; the harness reaches it on the host port published for it.
 */
export function containerLinks(shapes: readonly LinkShape[], proxyIp: string, published: (innerPort: number) => number): DockerLink[] {
  return shapes.map((s, i) => {
    const port = FIRST_LINK_PORT + i;
    return {
      name: s.name, member: s.member, kind: s.kind, speaks: s.speaks,
      listen: `0.0.0.0:${port}`, upstream: hostPort(s.upstream), via: { host: proxyIp, port }, innerPort: port,
      probe: { host: '127.0.0.1', port: published(port) },
    };
  });
}

/**
 * Links carried by a Toxiproxy on the docker host (its network namespace):
 * each listens on the run's bridge gateway, which the containers reach and
 * from which the Toxiproxy reaches the containers' addresses; the harness,
 * on the same host, reaches the gateway too.
 */
export function hostLinks(shapes: readonly LinkShape[], gateway: string, ports: readonly number[]): DockerLink[] {
  return shapes.map((s, i) => {
    const at = { host: gateway, port: ports[i] as number };
    return { name: s.name, member: s.member, kind: s.kind, speaks: s.speaks, listen: hostPort(at), upstream: hostPort(s.upstream), via: at, probe: at };
  });
}

/** Where the containers reach a member's link (for the configs): undefined in a run without proxies. */
export type LinkAddress = (name: string) => Endpoint;

export function linkAddress(links: readonly DockerLink[]): LinkAddress {
  const by = new Map(links.map((l) => [l.name, l.via]));
  return (name) => {
    const at = by.get(name);
    if (at === undefined) throw new Error(`no link ${name} in the run`);
    return at;
  };
}
