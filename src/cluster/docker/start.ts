/**
 * Starting a docker run: images, network, etcd1-3, patroni1-3, HAProxy, then
 * a wait until the cluster is healthy. Containers are started in parallel
 * per role (nothing orders them: etcd members wait for their peers, Patroni
 * retries until etcd answers) and address each other by fixed IPs.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runRoot } from '../run-root.js';
import { HarnessError } from '../../errors.js';
import type { Replication, Topology } from '../../sla/types.js';
import { newCredentials, writeCredentials } from '../credentials.js';
import { liveClusters } from '../live.js';
import { effectiveDcs } from '../render/dcs.js';
import { APPLIED_DCS_FILE, applyScenarioDcs, describeInForce, parseAppliedDcs } from '../scenario-dcs.js';
import { withSql } from '../sql.js';
import { healthy } from '../wait/healthy.js';
import { pollUntil } from '../wait/poll.js';
import { dockerOk } from './cli.js';
import { DOCKER_ETCD, DOCKER_MEMBERS, DockerCluster, PROXY_NODE, type ContainerRole, type DockerNodeInfo, type RunLinks } from './docker-cluster.js';
import { containerLinks, FIRST_LINK_PORT, hostLinks, linkAddress, linkShapes, PROXY_API_PORT } from './links.js';
import { ProxiedLinks } from '../proxied-links.js';
import { buildImages, RELEASES, requireImages, type Release } from './images.js';
import { createRunNetwork, freeHostPorts } from './network.js';
import { OWNER_LABEL, ownerLabel, reapOrphans } from './owner.js';
import {
  ETCD_CLIENT_PORT, HAPROXY_PORTS, PATRONI_DATA_DIR, PATRONI_VOLUME_PATH, PG_PORT, REST_PORT,
  etcdArgs, haproxyConfig, patroniConfig, type RenderInput,
} from './render.js';
import { NODE_LABEL, RUN_LABEL, sweep } from './sweep.js';
import { RELEASE_INFO } from './releases.js';
import { HAPROXY_NAME_PORT, keepalivedConf, pgbouncerIni, pgbouncerUsers, SEEDS_HAPROXIES, seedsHaproxyConfig } from './seeds-render.js';
import { versionParts } from '../../scenario/requires.js';

export const DEFAULT_DOCKER_START_TIMEOUT_MS = 180_000;

export interface DockerClusterOptions {
  release?: Release;
  replication?: Replication;
  /** Patroni bootstrap.dcs keys over the documented defaults (ttl, loop_wait, retry_timeout...). */
  patroni?: Record<string, unknown>;
  startTimeoutMs?: number;
  /** Build missing images (default); false fails instead, naming the build command. */
  build?: boolean;
  runId?: string;
  onProgress?: (message: string) => void;
  /** Route each member's links through a proxy (runs with a latency or bandwidth fault). */
  proxied?: boolean;
  /**
   * A Toxiproxy (base URL) on the docker host to carry the links instead of
   * a proxy container of the run: it must run in the host's network
   * namespace, where it can bind the run's bridge gateway and reach the containers.
   */
  toxiproxy?: string;
  /** `seeds`: PgBouncer on every member, two HAProxies sharing a keepalived VIP (seeds-render.ts). */
  topology?: Topology;
}

export function newDockerRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

function labels(runId: string, name: string): string[] {
  return ['--label', `${RUN_LABEL}=${runId}`, '--label', `${OWNER_LABEL}=${ownerLabel()}`, '--label', `${NODE_LABEL}=${name}`];
}

function publish(ports: Record<number, number>): string[] {
  return Object.entries(ports).flatMap(([inner, outer]) => ['-p', `127.0.0.1:${outer}:${inner}`]);
}

/**
 * Starts a cluster and waits until it is healthy: one leader, two streaming
 * replicas on its timeline (a sync standby chosen under synchronous
 * replication) and a write through HAProxy's primary port. On any failure
 * the run is swept before the error is thrown.
 */
export async function startDockerCluster(o: DockerClusterOptions = {}): Promise<DockerCluster> {
  const say = o.onProgress ?? (() => undefined);
  const release = o.release ?? 'bookworm';
  const replication = o.replication ?? 'synchronous';
  const runId = o.runId ?? newDockerRunId();
  const topology = o.topology ?? 'minimal';
  // validate refuses these first (entry.ts); a direct caller gets the same reason.
  const refused = topologyRefusal(topology, release, o.proxied === true);
  if (refused !== undefined) throw new HarnessError('UNMET_REQUIREMENT', refused);
  // Leftovers of runs whose harness died go first: they hold memory, CPU and addresses.
  const reaped = await reapOrphans();
  if (reaped.length > 0) say(`removed leftovers of dead run(s) ${reaped.join(', ')}`);
  const images = o.build === false ? await requireImages(release) : (await buildImages({ release, onProgress: say })).tags;
  const runDir = join(runRoot(), runId);
  mkdirSync(runDir, { recursive: true });
  const dcs = effectiveDcs(replication, o.patroni ?? {});
  let cluster: DockerCluster | undefined;
  // Until the cluster object exists, a Ctrl-C sweeps the run by its label.
  const early = { stop: async () => { await sweep(runId); } };
  liveClusters.add(early);
  try {
    say(`docker run ${runId}: network`);
    const network = await createRunNetwork(`pc-${runId}`, labels(runId, 'network'));
    const shapes = o.proxied ? linkShapes(
      DOCKER_MEMBERS.map((n, i) => ({ name: n, ip: network.ip(10 + i) })),
      DOCKER_ETCD.map((n, i) => ({ name: n, ip: network.ip(i) })),
    ) : [];
    // A proxy container publishes its API and every link port (the harness probes links through them).
    const proxyContainer = o.proxied === true && o.toxiproxy === undefined;
    // HAProxy's four ports, or each of the seeds pair's four and its name listener.
    const haproxyPorts = topology === 'seeds' ? SEEDS_HAPROXIES.length * (Object.keys(HAPROXY_PORTS).length + 1) : Object.keys(HAPROXY_PORTS).length;
    const hostPorts = await freeHostPorts(haproxyPorts + DOCKER_MEMBERS.length * 2 + DOCKER_ETCD.length + (o.proxied ? shapes.length : 0) + (proxyContainer ? 1 : 0));
    const nextPort = () => hostPorts.shift() as number;
    const nodes = new Map<string, DockerNodeInfo>();
    const add = (name: string, role: ContainerRole, index: number, inner: number[]) => {
      nodes.set(name, {
        name, role, ip: network.ip(index), container: `pc-${runId}-${name}`,
        ports: Object.fromEntries(inner.map((p) => [p, nextPort()])),
      });
    };
    DOCKER_ETCD.forEach((n, i) => add(n, 'etcd', i, [ETCD_CLIENT_PORT]));
    DOCKER_MEMBERS.forEach((n, i) => add(n, 'patroni', 10 + i, [PG_PORT, REST_PORT]));
    if (topology === 'seeds') SEEDS_HAPROXIES.forEach((n, i) => add(n, 'haproxy', 20 + i, [...Object.values(HAPROXY_PORTS), HAPROXY_NAME_PORT]));
    else add('haproxy', 'haproxy', 20, Object.values(HAPROXY_PORTS));
    let runLinks: RunLinks | undefined;
    if (proxyContainer) {
      add(PROXY_NODE, 'proxy', 30, [PROXY_API_PORT, ...shapes.map((_, i) => FIRST_LINK_PORT + i)]);
      const p = nodes.get(PROXY_NODE) as DockerNodeInfo;
      const table = containerLinks(shapes, p.ip, (inner) => p.ports[inner] as number);
      runLinks = { proxies: new ProxiedLinks(`http://127.0.0.1:${p.ports[PROXY_API_PORT] as number}`, table), table };
    } else if (o.proxied && o.toxiproxy !== undefined) {
      const table = hostLinks(shapes, network.gateway, shapes.map(() => nextPort()));
      runLinks = { proxies: new ProxiedLinks(o.toxiproxy.replace(/\/+$/, ''), table), table };
    }
    const credentials = newCredentials();
    writeCredentials(runDir, credentials);
    cluster = new DockerCluster(runId, runDir, release, replication, dcs, network, images, nodes, credentials, runLinks, topology);
    liveClusters.delete(early);
    const c = cluster;
    const started = startContainers(c, o, say);
    c.startingWith(started);
    await started;
    return c;
  } catch (err) {
    if (cluster !== undefined) await cluster.stop().catch(() => undefined);
    else await sweep(runId).catch(() => undefined);
    liveClusters.delete(early);
    throw err;
  }
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** PgBouncer 1.21 and later keep named prepared statements across transaction pooling (max_prepared_statements). */
export function carriesPreparedStatements(release: Release): boolean {
  const [major = 0, minor = 0] = versionParts(RELEASE_INFO[release].pgbouncer) ?? [];
  return major > 1 || (major === 1 && minor >= 21);
}

/**
 * Why a topology cannot be made on a release, or in a run with proxied
 * links; undefined when it can. Shown by validate (entry.ts) and by a start.
 */
export function topologyRefusal(topology: Topology, release: Release, proxied: boolean): string | undefined {
  if (topology !== 'seeds') return undefined;
  if (!carriesPreparedStatements(release)) {
    return `topology "seeds" cannot be made on ${release}: its PgBouncer ${RELEASE_INFO[release].pgbouncer} loses the workload's named prepared statement under 002's pool_mode = transaction (max_prepared_statements came in PgBouncer 1.21), and every write would fail for the harness's reason, not the cluster's; use cluster.release: ${RELEASES.filter((r) => carriesPreparedStatements(r)).join(' or ')}`;
  }
  if (proxied) return 'topology "seeds" has no proxied links: a latency or bandwidth fault (or --toxiproxy) would need links to each PgBouncer, which the run does not make; run those faults on the minimal topology';
  return undefined;
}

/** etcd's cluster version as its /version says it ('not_decided' until its members agree). */
async function etcdClusterVersion(url: string): Promise<string> {
  const res = await request(`${url}/version`, { headersTimeout: 1000, bodyTimeout: 1000 });
  return ((await res.body.json()) as { etcdcluster?: string }).etcdcluster ?? 'none';
}

/** Thrown at the start's next step once stop() was called (Ctrl-C): the stop sweeps what exists. */
function checkNotStopping(c: DockerCluster): void {
  if (c.stopping) throw new HarnessError('INTERRUPTED', `docker run ${c.runId} was stopped while starting`);
}

async function startContainers(c: DockerCluster, o: DockerClusterOptions, say: (m: string) => void): Promise<void> {
  const { runId, network, nodes, images, release, dcs } = c;
  const byRole = (r: ContainerRole) => [...nodes.values()].filter((n) => n.role === r);
  const input: RenderInput = {
    runId, scope: c.scope, subnet: network.subnet, dcs, credentials: c.credentials,
    members: byRole('patroni'), etcd: byRole('etcd'),
    ...(c.runLinks === undefined ? {} : { via: linkAddress(c.runLinks.table) }),
  };
  const common = (n: DockerNodeInfo) => [
    '--name', n.container, '--hostname', n.name, '--network', network.name, '--ip', n.ip,
    ...labels(runId, n.name), '--cap-add', 'NET_ADMIN', ...publish(n.ports),
  ];

  say(`docker run ${runId}: etcd1-3`);
  // In parallel: each `docker run` costs about a second of daemon work, and nothing orders them
  // (etcd members wait for their peers, Patroni retries until etcd answers).
  checkNotStopping(c);
  await Promise.all([
    ...byRole('etcd').map((e) => dockerOk(['run', '-d', ...common(e), images.etcd, ...etcdArgs(input, e)], { timeoutMs: 60_000 })),
    ...byRole('proxy').map((p) => dockerOk(['run', '-d', ...common(p), images.proxy, '--host', '0.0.0.0', '--port', String(PROXY_API_PORT)], { timeoutMs: 60_000 })),
  ]);
  if (c.runLinks !== undefined) {
    const links = c.runLinks.proxies;
    // Patroni reaches etcd only through its links: they exist before it starts.
    say(`docker run ${runId}: ${links.table.length} link proxies on ${c.nodes.has(PROXY_NODE) ? `${PROXY_NODE} (API ${links.apiUrl})` : `the Toxiproxy at ${links.apiUrl}`}`);
    await pollUntil(async () => {
      checkNotStopping(c);
      await links.populate();
      return links.ready();
    }, {
      timeoutMs: 30_000, intervalMs: 100, what: `link proxies of docker run ${runId} ready`,
      onTimeout: async () => (c.nodes.has(PROXY_NODE) ? `--- ${PROXY_NODE}:\n${await c.logs(PROXY_NODE, 30).catch(() => '')}` : `is the Toxiproxy at ${links.apiUrl} in the docker host's network namespace, able to bind ${c.network.gateway}?`),
    });
    // Patroni 3.0 dies on an etcd that answers before it has decided its cluster version ('not_decided'):
    // without a proxy, it meets refused connections until then; the proxy answers at once.
    await pollUntil(async () => {
      checkNotStopping(c);
      for (const e of c.etcd) {
        const v = await etcdClusterVersion(e.clientUrl);
        if (!/^\d+\.\d+/.test(v)) return `${e.name}: cluster version ${v}`;
      }
      return true;
    }, { timeoutMs: 30_000, intervalMs: 100, what: `etcd of docker run ${runId} serving a cluster version` });
  }
  say(`docker run ${runId}: patroni1-3 (${release})`);
  checkNotStopping(c);
  await Promise.all(byRole('patroni').map(async (m) => {
    // Created beforehand so that it carries the run label (`docker run -v` would create it unlabelled).
    const volume = `pc-${runId}-${m.name}-data`;
    await dockerOk(['volume', 'create', ...labels(runId, m.name), volume], { timeoutMs: 60_000 });
    await dockerOk([
      'run', '-d', ...common(m), '-v', `${volume}:${PATRONI_VOLUME_PATH}`,
      '-e', `PATRONI_CONFIG_B64=${Buffer.from(patroniConfig(input, m)).toString('base64')}`,
      ...(c.topology === 'seeds' ? [
        '-e', `PGBOUNCER_INI_B64=${b64(pgbouncerIni(m, { preparedStatements: carriesPreparedStatements(release) }))}`,
        '-e', `PGBOUNCER_USERS_B64=${b64(pgbouncerUsers(c.credentials))}`,
      ] : []),
      images.node,
    ], { timeoutMs: 60_000 });
  }));
  checkNotStopping(c);
  if (c.topology === 'seeds') {
    const pair = SEEDS_HAPROXIES.map((n) => c.node(n)) as [DockerNodeInfo, DockerNodeInfo];
    say(`docker run ${runId}: ${SEEDS_HAPROXIES.join(' and ')} with keepalived, VIP ${c.vip}`);
    await Promise.all(pair.map((h, i) => dockerOk([
      'run', '-d', ...common(h),
      '-e', `HAPROXY_CONFIG_B64=${b64(seedsHaproxyConfig(byRole('patroni'), h.name))}`,
      '-e', `KEEPALIVED_CONFIG_B64=${b64(keepalivedConf(pair, i as 0 | 1, c.vip as string, Number(network.subnet.split('/')[1]), runId))}`,
      images.haproxy,
    ], { timeoutMs: 60_000 })));
  } else {
    say(`docker run ${runId}: haproxy`);
    const h = c.node('haproxy');
    await dockerOk([
      'run', '-d', ...common(h),
      '-e', `HAPROXY_CONFIG_B64=${b64(haproxyConfig(byRole('patroni'), input.via))}`,
      images.haproxy,
    ], { timeoutMs: 60_000 });
  }

  // Read while the cluster forms rather than after: four `docker exec`s are a few tenths of a second.
  const versions = c.readVersions();
  say(`docker run ${runId}: waiting for 1 leader, 2 streaming replicas and a write through HAProxy`);
  await pollUntil(async () => {
    checkNotStopping(c);
    // A container that exited will not heal by waiting.
    const exited = (await dockerOk(['ps', '-a', '--filter', `label=${RUN_LABEL}=${runId}`, '--filter', 'status=exited', '--format', `{{.Label "${NODE_LABEL}"}}`])).split('\n').filter((s) => s !== '');
    if (exited.length > 0) {
      const tails = await Promise.all(exited.map(async (n) => `--- ${n}:\n${await c.logs(n, 30)}`));
      throw new HarnessError('COMPONENT_EXITED', `container(s) ${exited.join(', ')} of docker run ${runId} exited during start:\n${tails.join('\n')}`);
    }
    const r = await healthy(c);
    if (r !== true) return r;
    // healthy() only reads through HAProxy. txid_current() makes this transaction write a
    // commit record, which under synchronous mode waits for the sync standby: a real write
    // that leaves no table behind for the workload's checks to trip over.
    await withSql(c.endpoints.primary, c.credentials, (s) => s.query('SELECT txid_current()'));
    return true;
  }, {
    timeoutMs: o.startTimeoutMs ?? DEFAULT_DOCKER_START_TIMEOUT_MS,
    intervalMs: 200,
    what: `docker cluster ${runId} healthy (1 leader, 2 streaming replicas, a write through HAProxy)`,
    onTimeout: async () => (await Promise.all(DOCKER_MEMBERS.map(async (n) => `--- ${n}:\n${await c.logs(n, 15).catch(() => '')}`))).join('\n'),
  });
  const inForce = await applyScenarioDcs({
    dcs,
    members: c.members.map((m) => ({
      name: m.name, restUrl: m.restUrl,
      applied: async () => {
        const r = await c.box(m.name).exec(['cat', `${PATRONI_DATA_DIR}/${APPLIED_DCS_FILE}`], { user: 'root', timeoutMs: 10_000 });
        return r.code === 0 ? parseAppliedDcs(r.stdout) : undefined;
      },
    })),
    auth: c.credentials.rest,
  }, { timeoutMs: 30_000 });
  c.recordDcsInForce(inForce);
  say(`docker run ${runId}: scenario Patroni settings in force on ${inForce.appliedOn.join(', ')}: ${describeInForce(inForce)}`);
  await versions;
  say(`docker run ${runId}: healthy (patroni ${c.versions.patroni}, postgres ${c.versions.postgres}, etcd ${c.versions.etcd}, haproxy ${c.versions.haproxy})`);
}
