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
import { PATRONI_PRELOAD } from '../render/patroni-preload.js';
import { APPLIED_DCS_FILE, applyScenarioDcs, describeInForce, parseAppliedDcs } from '../scenario-dcs.js';
import { withSql } from '../sql.js';
import { healthy } from '../wait/healthy.js';
import { pollUntil } from '../wait/poll.js';
import { engine, engineOk } from './engine.js';
import { ALERTMANAGER_NODE, ALERTMANAGER_PORT, DOCKER_ETCD, DOCKER_MEMBERS, DockerCluster, PROMETHEUS_NODE, PROMETHEUS_PORT, PROXY_NODE, type ContainerRole, type DockerNodeInfo, type RunLinks } from './docker-cluster.js';
import { errorMessage } from '../../errors.js';
import { monitoringFiles } from '../../alerts/monitoring-setup.js';
import { WebhookReceiver } from '../../alerts/webhook.js';
import { containerLinks, FIRST_LINK_PORT, hostLinks, linkAddress, linkShapes, PROXY_API_PORT } from './links.js';
import { ProxiedLinks } from '../proxied-links.js';
import { buildImages, requireImages, type Release } from './images.js';
import { createRunNetwork, freeHostPorts } from './network.js';
import { OWNER_LABEL, ownerLabel, reapOrphans } from './owner.js';
import {
  ETCD_CLIENT_PORT, HAPROXY_PORTS, PATRONI_DATA_DIR, PATRONI_VOLUME_PATH, PG_PORT, REST_PORT,
  etcdArgs, haproxyConfig, patroniConfig, type RenderInput,
} from './render.js';
import { labelFilter, NODE_LABEL, RUN_LABEL, sweep } from './sweep.js';
import { HAPROXY_NAME_PORT, keepalivedConf, pgbouncerIni, pgbouncerUsers, SEEDS_HAPROXIES, seedsHaproxyConfig } from './seeds-render.js';

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

/** A timestamp and 6 random bytes: runs started in the same second (run --parallel) get different ids. */
export function newDockerRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(6).toString('hex')}`;
}

/** Builds of a release in flight: runs starting at once (run --parallel) wait for one build rather than each running its own. */
const building = new Map<Release, ReturnType<typeof buildImages>>();

async function imagesOf(release: Release, say: (m: string) => void): Promise<Awaited<ReturnType<typeof buildImages>>['tags']> {
  let build = building.get(release);
  if (build === undefined) {
    build = buildImages({ release, onProgress: say }).finally(() => building.delete(release));
    building.set(release, build);
  } else say(`waiting for the ${release} images another run is building`);
  return (await build).tags;
}

function labels(runId: string, name: string): Record<string, string> {
  return { [RUN_LABEL]: runId, [OWNER_LABEL]: ownerLabel(), [NODE_LABEL]: name };
}

/**
 * `docker run -d` of a run's container as the Engine API takes it: its
 * name, hostname, fixed address on the run's network, labels, NET_ADMIN
 * (iptables faults), TCP ports published on 127.0.0.1 only, volumes and
 * environment. Created, then started, as the CLI does.
 */
export function runSpec(o: {
  name: string; hostname: string; image: string; network: string; ip: string;
  labels: Record<string, string>; ports: Record<number, number>;
  cmd?: readonly string[]; env?: Record<string, string>; binds?: readonly string[];
}): import('dockerode').ContainerCreateOptions {
  const tcp = Object.keys(o.ports).map((inner) => `${inner}/tcp`);
  return {
    name: o.name, Hostname: o.hostname, Image: o.image, Labels: o.labels,
    ...(o.cmd === undefined ? {} : { Cmd: [...o.cmd] }),
    ...(o.env === undefined ? {} : { Env: Object.entries(o.env).map(([k, v]) => `${k}=${v}`) }),
    ExposedPorts: Object.fromEntries(tcp.map((p) => [p, {}])),
    HostConfig: {
      NetworkMode: o.network, CapAdd: ['NET_ADMIN'],
      PortBindings: Object.fromEntries(Object.entries(o.ports).map(([inner, outer]) => [`${inner}/tcp`, [{ HostIp: '127.0.0.1', HostPort: String(outer) }]])),
      ...(o.binds === undefined ? {} : { Binds: [...o.binds] }),
    },
    NetworkingConfig: { EndpointsConfig: { [o.network]: { IPAMConfig: { IPv4Address: o.ip } } } },
  };
}

/** Creates and starts a container (`docker run -d`). */
async function runDetached(spec: import('dockerode').ContainerCreateOptions): Promise<void> {
  const d = engine();
  const c = await engineOk(`create --name ${spec.name ?? ''}`, 60_000, (abortSignal) => d.createContainer({ ...spec, abortSignal }));
  await engineOk(`start ${spec.name ?? ''}`, 60_000, (abortSignal) => c.start({ abortSignal }));
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
  const refused = topologyRefusal(topology, o.proxied === true);
  if (refused !== undefined) throw new HarnessError('UNMET_REQUIREMENT', refused);
  // Leftovers of runs whose harness died go first: they hold memory, CPU and addresses.
  const reaped = await reapOrphans();
  if (reaped.length > 0) say(`removed leftovers of dead run(s) ${reaped.join(', ')}`);
  const images = o.build === false ? await requireImages(release) : await imagesOf(release, say);
  const runDir = join(runRoot(), runId);
  const dcs = effectiveDcs(replication, o.patroni ?? {});
  let cluster: DockerCluster | undefined;
  // Registered before the run makes anything: refused once a Ctrl-C began stopping everything. Until the
  // cluster object exists, a Ctrl-C waits for this start to give up (the cluster's registration is refused)
  // and to remove what it made: a sweep now would miss what a call in flight is about to make.
  let gaveUp = (): void => undefined;
  const gaveUpNow = new Promise<void>((resolve) => { gaveUp = resolve; });
  // A sweep alone waits as the stop does: the start sweeps what it made as it gives up.
  const early = { stop: () => gaveUpNow, sweep: () => gaveUpNow };
  liveClusters.add(early);
  // The run's network is what makes its id its own (a second network of that name is refused): only a start that
  // made it sweeps the run, so that a start whose id clashed never removes the other run's containers.
  let madeNetwork = false;
  try {
    mkdirSync(runDir, { recursive: true });
    say(`docker run ${runId}: network`);
    const network = await createRunNetwork(`pc-${runId}`, labels(runId, 'network'));
    madeNetwork = true;
    const shapes = o.proxied ? linkShapes(
      DOCKER_MEMBERS.map((n, i) => ({ name: n, ip: network.ip(10 + i) })),
      DOCKER_ETCD.map((n, i) => ({ name: n, ip: network.ip(i) })),
    ) : [];
    // A proxy container publishes its API and every link port (the harness probes links through them).
    const proxyContainer = o.proxied === true && o.toxiproxy === undefined;
    // HAProxy's four ports, or each of the seeds pair's four and its name listener.
    const haproxyPorts = topology === 'seeds' ? SEEDS_HAPROXIES.length * (Object.keys(HAPROXY_PORTS).length + 1) : Object.keys(HAPROXY_PORTS).length;
    const hostPorts = await freeHostPorts(haproxyPorts + DOCKER_MEMBERS.length * 2 + DOCKER_ETCD.length + 2 + (o.proxied ? shapes.length : 0) + (proxyContainer ? 1 : 0));
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
    add(PROMETHEUS_NODE, 'monitoring', 40, [PROMETHEUS_PORT]);
    add(ALERTMANAGER_NODE, 'monitoring', 41, [ALERTMANAGER_PORT]);
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
    gaveUp();
    const c = cluster;
    const started = startContainers(c, o, say);
    c.startingWith(started);
    await started;
    return c;
  } catch (err) {
    if (cluster !== undefined) await cluster.stop().catch(() => undefined);
    else if (madeNetwork) await sweep(runId).catch(() => undefined);
    liveClusters.delete(early);
    gaveUp();
    throw err;
  }
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * Why a topology cannot be made on a release, or in a run with proxied
 * links; undefined when it can. Shown by validate (entry.ts) and by a start.
 */
export function topologyRefusal(topology: Topology, proxied: boolean): string | undefined {
  if (topology !== 'seeds') return undefined;
  if (proxied) return 'topology "seeds" has no proxied links: a latency or bandwidth fault (or --toxiproxy) would need links to each PgBouncer, which the run does not make; run those faults on the minimal topology';
  return undefined;
}

/**
 * Prometheus and Alertmanager containers on the run's network: Prometheus
 * scrapes every Patroni REST and etcd client port at the containers'
 * addresses (not through the link proxies: a monitoring host is not on a
 * member's links); Alertmanager posts to a receiver in the harness bound
 * on the network's gateway, the host's side of the bridge. A failure
 * leaves the run without alerts evaluated, and says so, rather than failing it.
 */
async function startMonitoring(c: DockerCluster, say: (m: string) => void): Promise<void> {
  const { runId, network, nodes, images } = c;
  const prom = c.node(PROMETHEUS_NODE);
  const am = c.node(ALERTMANAGER_NODE);
  say(`docker run ${runId}: prometheus, alertmanager`);
  let receiver: WebhookReceiver | undefined;
  try {
    receiver = await WebhookReceiver.listen(network.gateway);
    const byRole = (r: ContainerRole) => [...nodes.values()].filter((n) => n.role === r);
    const files = monitoringFiles({
      scope: c.scope, rulesDir: '/etc/patroni-chaos/rules',
      patroni: byRole('patroni').map((m) => `${m.ip}:${REST_PORT}`), etcd: byRole('etcd').map((e) => `${e.ip}:${ETCD_CLIENT_PORT}`),
      alertmanager: `${am.ip}:${ALERTMANAGER_PORT}`, webhookUrl: `http://${network.gateway}:${receiver.port}/`,
    });
    const ruleEnv = Object.fromEntries(files.ruleFiles.map((f, i) => [`PROMETHEUS_RULE_${i}`, `${f.name}:${b64(f.text)}`]));
    const spec = (n: DockerNodeInfo, cmd: string, env: Record<string, string>) => runSpec({
      name: n.container, hostname: n.name, image: images.monitoring, network: network.name, ip: n.ip, labels: labels(runId, n.name), ports: n.ports, cmd: [cmd], env,
    });
    await Promise.all([
      runDetached(spec(am, 'alertmanager', { ALERTMANAGER_CONFIG_B64: b64(files.alertmanagerYml ?? '') })),
      runDetached(spec(prom, 'prometheus', { PROMETHEUS_CONFIG_B64: b64(files.prometheusYml), ...ruleEnv })),
    ]);
    const r = receiver;
    c.recordMonitoring({ prometheusUrl: `http://127.0.0.1:${prom.ports[PROMETHEUS_PORT] as number}`, rules: files.rules, adapted: files.adapted, targets: files.targets, notifications: () => r.notifications() }, r);
  } catch (err) {
    await receiver?.close().catch(() => undefined);
    c.recordMonitoring({ missing: `Prometheus could not be started: ${errorMessage(err)}` });
    say(`docker run ${runId}: not evaluating the documented alerts: ${errorMessage(err)}`);
  }
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
  const spec = (n: DockerNodeInfo, image: string, more: { cmd?: readonly string[]; env?: Record<string, string>; binds?: readonly string[] } = {}) => runSpec({
    name: n.container, hostname: n.name, image, network: network.name, ip: n.ip, labels: labels(runId, n.name), ports: n.ports, ...more,
  });

  say(`docker run ${runId}: etcd1-3`);
  // In parallel: each `docker run` costs about a second of daemon work, and nothing orders them
  // (etcd members wait for their peers, Patroni retries until etcd answers).
  checkNotStopping(c);
  await Promise.all([
    ...byRole('etcd').map((e) => runDetached(spec(e, images.etcd, { cmd: etcdArgs(input, e) }))),
    ...byRole('proxy').map((p) => runDetached(spec(p, images.proxy, { cmd: ['--host', '0.0.0.0', '--port', String(PROXY_API_PORT)] }))),
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
  }
  // Patroni 3.0 gives up on an etcd that answers before it has decided its cluster version ('not_decided')
  // and tries again 5 s later ("waiting on etcd"), on its own or through a proxy: seen here as a replica
  // 5 s late, whose slot the leader had meanwhile dropped as no member's (5 s more of WAL retry). So each
  // new member's entrypoint waits for it (PATRONI_BOOT_ETCD) while Patroni loads (PATRONI_PRELOAD); this wait only
  // turns an etcd that never decides into a clear error.
  const etcdDecided = pollUntil(async () => {
    checkNotStopping(c);
    for (const e of c.etcd) {
      const v = await etcdClusterVersion(e.clientUrl).catch((err: unknown) => `unreachable (${errorMessage(err)})`);
      if (!/^\d+\.\d+/.test(v)) return `${e.name}: cluster version ${v}`;
    }
    return true;
  }, { timeoutMs: 30_000, intervalMs: 50, what: `etcd of docker run ${runId} serving a cluster version` });
  etcdDecided.catch(() => undefined); // awaited below; a throw before then must not leave it unhandled
  say(`docker run ${runId}: patroni1-3 (${release})`);
  checkNotStopping(c);
  const bootEtcd = byRole('etcd').map((e) => `http://${e.ip}:${ETCD_CLIENT_PORT}`).join(',');
  await Promise.all([etcdDecided, ...byRole('patroni').map(async (m) => {
    // Created beforehand so that it carries the run label (`docker run -v` would create it unlabelled).
    const volume = `pc-${runId}-${m.name}-data`;
    await engineOk(`volume create ${volume}`, 60_000, (abortSignal) => engine().createVolume({ Name: volume, Labels: labels(runId, m.name), abortSignal }));
    await runDetached(spec(m, images.node, {
      binds: [`${volume}:${PATRONI_VOLUME_PATH}`],
      env: {
        PATRONI_CONFIG_B64: b64(patroniConfig(input, m)),
        PATRONI_BOOT_ETCD: bootEtcd, PATRONI_PRELOAD_PY: PATRONI_PRELOAD,
        ...(c.topology === 'seeds' ? { PGBOUNCER_INI_B64: b64(pgbouncerIni(m)), PGBOUNCER_USERS_B64: b64(pgbouncerUsers(c.credentials)) } : {}),
      },
    }));
  })]);
  checkNotStopping(c);
  await startMonitoring(c, say);
  checkNotStopping(c);
  if (c.topology === 'seeds') {
    const pair = SEEDS_HAPROXIES.map((n) => c.node(n)) as [DockerNodeInfo, DockerNodeInfo];
    say(`docker run ${runId}: ${SEEDS_HAPROXIES.join(' and ')} with keepalived, VIP ${c.vip}`);
    await Promise.all(pair.map((h, i) => runDetached(spec(h, images.haproxy, {
      env: {
        HAPROXY_CONFIG_B64: b64(seedsHaproxyConfig(byRole('patroni'), h.name)),
        KEEPALIVED_CONFIG_B64: b64(keepalivedConf(pair, i as 0 | 1, c.vip as string, Number(network.subnet.split('/')[1]), runId)),
      },
    }))));
  } else {
    say(`docker run ${runId}: haproxy`);
    const h = c.node('haproxy');
    await runDetached(spec(h, images.haproxy, { env: { HAPROXY_CONFIG_B64: b64(haproxyConfig(byRole('patroni'), input.via)) } }));
  }

  // Read while the cluster forms rather than after: four `docker exec`s are a few tenths of a second.
  const versions = c.readVersions();
  say(`docker run ${runId}: waiting for 1 leader, 2 streaming replicas and a write through HAProxy`);
  await pollUntil(async () => {
    checkNotStopping(c);
    // A container that exited will not heal by waiting.
    const exited = (await engineOk('ps', 30_000, (abortSignal) => engine().listContainers({ all: true, filters: { ...labelFilter(runId), status: ['exited'] }, abortSignal })))
      .map((x) => x.Labels[NODE_LABEL] ?? '').filter((s) => s !== '');
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
