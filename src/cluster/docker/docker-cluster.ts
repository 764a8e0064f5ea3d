/**
 * The docker provider's cluster: etcd1-3, patroni1-3 and HAProxy in
 * containers of locally built images, on a bridge network of the run's own,
 * everything labelled `patroni-chaos.run=<run id>` and removed by that label.
 * Fault abilities are plain methods: kill / pause / restart act on whole
 * containers (docker pause is the cgroup freezer), partitions are iptables
 * rules inside the containers' own network namespaces. In a run with a
 * latency or bandwidth fault, the links go through a Toxiproxy-API proxy
 * (its own container, `toxiproxy`, or the user's Toxiproxy) and the
 * cluster impairs them there (LinkImpairment).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../../errors.js';
import type { Replication, Topology } from '../../sla/types.js';
import { httpGetText } from './whoami.js';
import { HAPROXY_NAME_PORT, PGBOUNCER_PORT, SEEDS_HAPROXIES, VIP_INDEX } from './seeds-render.js';
import { PG_SSL_REQUEST, probeTcp } from '../link-probe.js';
import { liveClusters, stopInOrder } from '../live.js';
import type {
  ClusterEndpoints, CommandExec, CommandResult, Component, CpuLimit, Credentials, Cut, EtcdHandle, HostControl, HostPartition, Keepalived, LinkCut, LinkImpairment, LinkLoss, LinkProbe, LinkProbeOptions, Loss, MemberHandle, Poolers, ProcessControl, StartedCluster, Versions, VipPair,
} from '../types.js';
import type { ProxiedLinks } from '../proxied-links.js';
import type { DockerLink } from './links.js';
import { PROXY_API_PORT } from './links.js';
import { blackholeLinks, cutLinkPorts } from './proxied-cut.js';
import type { DcsInForce, LinkKind } from '../types.js';
import type { DockerResult } from './engine.js';
import { Container } from './container.js';
import { daemonCpus, limitContainerCpu } from './cpu.js';
import { DPKG_QUERY, packageProbes, parseDpkgQuery } from './packages.js';
import { MemberContainer } from './member-container.js';
import { HaproxyContainer } from './haproxy-container.js';
import { clientTrafficFromCsv } from './haproxy-stats.js';
import { lossyPaths, percent } from './loss.js';
import type { ImageTags, Release } from './images.js';
import type { RunNetwork } from './network.js';
import { allCures, partition, probedCut, type Cure, type PartitionOptions, type PathCut, type ProbeTarget } from './partition.js';
import { ETCD_CLIENT_PORT, HAPROXY_PORTS, PG_PORT, REST_PORT, type DockerNode } from './render.js';

import { leftovers, sweep } from './sweep.js';
import type { Monitoring } from '../../alerts/monitoring.js';
import type { WebhookReceiver } from '../../alerts/webhook.js';

export const DOCKER_MEMBERS = ['patroni1', 'patroni2', 'patroni3'] as const;
export const DOCKER_ETCD = ['etcd1', 'etcd2', 'etcd3'] as const;

export type ContainerRole = 'patroni' | 'etcd' | 'haproxy' | 'proxy' | 'monitoring';

/** The run's Prometheus and Alertmanager containers (one image, `monitoring`), and their ports. */
export const PROMETHEUS_NODE = 'prometheus';
export const ALERTMANAGER_NODE = 'alertmanager';
export const PROMETHEUS_PORT = 9090;
export const ALERTMANAGER_PORT = 9093;

/** A port each role's container listens on, for the partition probes. */
const PROBE_PORT: Record<ContainerRole, number> = { patroni: PG_PORT, etcd: ETCD_CLIENT_PORT, haproxy: HAPROXY_PORTS.stats, proxy: PROXY_API_PORT, monitoring: PROMETHEUS_PORT };

/** The proxy container's logical name (its log is toxiproxy.log, as the local provider's). */
export const PROXY_NODE = 'toxiproxy';

/** A run's proxied links: the driver that impairs them, and each link's addresses. */
export interface RunLinks {
  proxies: ProxiedLinks;
  table: readonly DockerLink[];
}

/** One container of the run, by its logical name (patroni1, etcd2, haproxy). */
export interface DockerNodeInfo extends DockerNode {
  role: ContainerRole;
  /** Docker's name for it, unique across runs. */
  container: string;
  /** Container port -> host port on 127.0.0.1. */
  ports: Record<number, number>;
}

export class DockerCluster implements StartedCluster, ProcessControl, HostControl, LinkCut, LinkLoss, HostPartition, CommandExec, CpuLimit, Partial<LinkImpairment>, Partial<VipPair> {
  readonly provider = 'docker';
  readonly scope = 'pgchaos';
  readonly members: MemberHandle[];
  readonly etcd: EtcdHandle[];
  readonly endpoints: ClusterEndpoints;
  versions: Versions = { postgres: null, patroni: null, etcd: null, haproxy: null };
  /** Debian package -> version, as dpkg-query reads them in the containers (readVersions). */
  packages: Record<string, string> | undefined;
  /** Host N is etcdN and patroniN, as in 002's diagram; HAProxy is the clients' side, on no host. */
  readonly hosts = DOCKER_MEMBERS.map((_, i) => `host${i + 1}`);
  #stopped: Promise<void> | undefined;
  #starting: Promise<void> | undefined;
  #partitionSeq = 0;
  #dcsInForce: DcsInForce | undefined;
  /** Only in a run whose links go through a proxy: see hasLinkImpairment. */
  readonly impairLinks: LinkImpairment['impairLinks'] | undefined;
  /** The seeds topology's VIP (keepalived), which the clients' endpoints use; undefined in the minimal one. */
  readonly vip: string | undefined;
  /** The HAProxy containers, by logical name: `haproxy`, or the seeds pair (VRRP priority order). */
  readonly haproxies: readonly string[];
  /** Only in the seeds topology: see hasVipPair. */
  readonly vipHolder: VipPair['vipHolder'] | undefined;
  readonly haproxyAnswers: VipPair['haproxyAnswers'] | undefined;
  /** Only in the seeds topology: see hasPoolers. */
  readonly poolerPid: Poolers['poolerPid'] | undefined;
  readonly signalPooler: Poolers['signalPooler'] | undefined;
  readonly startPooler: Poolers['startPooler'] | undefined;
  readonly probePooler: Poolers['probePooler'] | undefined;
  /** Only in the seeds topology: see hasKeepalived. */
  readonly keepalivedPids: Keepalived['keepalivedPids'] | undefined;
  readonly signalKeepalived: Keepalived['signalKeepalived'] | undefined;
  readonly startKeepalived: Keepalived['startKeepalived'] | undefined;
  readonly clientTraffic: Keepalived['clientTraffic'] | undefined;
  #monitoring: Monitoring = { missing: 'Prometheus was not started (the cluster did not get that far)' };
  #receiver: WebhookReceiver | undefined;

  constructor(
    readonly runId: string,
    readonly runDir: string,
    readonly release: Release,
    readonly replication: Replication,
    readonly dcs: Readonly<Record<string, unknown>>,
    readonly network: RunNetwork,
    readonly images: ImageTags,
    readonly nodes: ReadonlyMap<string, DockerNodeInfo>,
    readonly credentials: Credentials,
    /** The run's proxied links; undefined in a run without a latency or bandwidth fault. */
    readonly runLinks?: RunLinks,
    readonly topology: Topology = 'minimal',
  ) {
    const proxies = runLinks?.proxies;
    this.impairLinks = proxies === undefined ? undefined : (member, kinds, effect, label) => proxies.impairLinks(member, kinds, effect, label);
    const host = '127.0.0.1';
    const port = (name: string, p: number) => this.node(name).ports[p] as number;
    this.members = DOCKER_MEMBERS.map((name) => ({
      name, pg: { host, port: port(name, PG_PORT) }, restUrl: `http://${host}:${port(name, REST_PORT)}`,
      serverAddress: { host: this.node(name).ip, port: PG_PORT },
    }));
    this.etcd = DOCKER_ETCD.map((name) => ({ name, clientUrl: `http://${host}:${port(name, ETCD_CLIENT_PORT)}` }));
    this.haproxies = topology === 'seeds' ? SEEDS_HAPROXIES : ['haproxy'];
    if (topology === 'seeds') {
      // 002: "Client connects to HAProxy VIP": the harness reaches the run's bridge network from the host,
      // so a fault on the VIP's holder reaches the workload as it reaches a client.
      const vip = network.ip(VIP_INDEX);
      this.vip = vip;
      this.endpoints = {
        primary: { host: vip, port: HAPROXY_PORTS.primary }, replicas: { host: vip, port: HAPROXY_PORTS.replicas },
        any: { host: vip, port: HAPROXY_PORTS.any }, statsUrl: `http://${vip}:${HAPROXY_PORTS.stats}/`,
      };
      const named = async (addr: string, timeoutMs: number) => (await httpGetText(`http://${addr}:${HAPROXY_NAME_PORT}/`, timeoutMs))?.trim();
      this.vipHolder = async (timeoutMs) => {
        const name = await named(vip, timeoutMs);
        return name !== undefined && this.haproxies.includes(name) ? name : undefined;
      };
      this.haproxyAnswers = async (name, timeoutMs) => (await named(this.ip(name), timeoutMs)) === name;
      const member = (name: string) => new MemberContainer(this.memberNode(name).container);
      this.poolerPid = (name) => member(name).poolerPid();
      this.signalPooler = (name, sig) => member(name).signalPooler(sig);
      this.startPooler = (name) => member(name).startPooler();
      // The address HAProxy's servers name (seeds-render.ts), reached from the host as the VIP is.
      this.probePooler = (name, timeoutMs) => probeTcp({ host: this.memberNode(name).ip, port: PGBOUNCER_PORT }, PG_SSL_REQUEST, timeoutMs);
      const haproxy = (name: string) => new HaproxyContainer(this.haproxyNode(name).container);
      this.keepalivedPids = (name) => haproxy(name).keepalivedPids();
      this.signalKeepalived = (name, sig) => haproxy(name).signalKeepalived(sig);
      this.startKeepalived = (name) => haproxy(name).startKeepalived();
      this.clientTraffic = async (name, timeoutMs) => {
        const csv = await httpGetText(`http://${this.ip(name)}:${HAPROXY_PORTS.stats}/;csv`, timeoutMs);
        return csv === undefined ? undefined : clientTrafficFromCsv(csv);
      };
    } else {
      this.vip = undefined;
      this.vipHolder = undefined;
      this.haproxyAnswers = undefined;
      this.poolerPid = undefined;
      this.signalPooler = undefined;
      this.startPooler = undefined;
      this.probePooler = undefined;
      this.keepalivedPids = undefined;
      this.signalKeepalived = undefined;
      this.startKeepalived = undefined;
      this.clientTraffic = undefined;
      this.endpoints = {
        primary: { host, port: port('haproxy', HAPROXY_PORTS.primary) },
        replicas: { host, port: port('haproxy', HAPROXY_PORTS.replicas) },
        any: { host, port: port('haproxy', HAPROXY_PORTS.any) },
        statsUrl: `http://${host}:${port('haproxy', HAPROXY_PORTS.stats)}/`,
      };
    }
    liveClusters.add(this);
  }

  get dcsInForce(): DcsInForce | undefined {
    return this.#dcsInForce;
  }

  /** AlertMonitoring: the run's Prometheus container, or why it has none. */
  get monitoring(): Monitoring {
    return this.#monitoring;
  }

  /** The start's: the Prometheus it started, and the receiver Alertmanager posts to (closed by stop). */
  recordMonitoring(m: Monitoring, receiver?: WebhookReceiver): void {
    this.#monitoring = m;
    this.#receiver = receiver;
  }

  /** The start's proof that the scenario's settings replaced the boot ones (see scenario-dcs.ts). */
  recordDcsInForce(d: DcsInForce): void {
    this.#dcsInForce = d;
  }

  /** True once stop() was called: the start sequence gives up at its next step. */
  get stopping(): boolean {
    return this.#stopped !== undefined;
  }

  /** The start sequence in progress: stop() waits for it rather than racing a `docker run` in flight. */
  startingWith(p: Promise<unknown>): void {
    this.#starting = p.then(() => undefined, () => undefined);
  }

  node(name: string): DockerNodeInfo {
    const n = this.nodes.get(name);
    if (n === undefined) throw new HarnessError('NOT_FOUND', `no container "${name}" in docker run ${this.runId} (known: ${[...this.nodes.keys()].join(', ')})`);
    return n;
  }

  /** A Patroni member's node: a pgbouncer:<name> target never reaches an etcd or HAProxy container. */
  private memberNode(name: string): DockerNodeInfo {
    const n = this.node(name);
    if (n.role !== 'patroni') throw new HarnessError('FAULT_FAILED', `${name} is not a Patroni member: it runs no PgBouncer`);
    return n;
  }

  /** One of the VIP pair's HAProxies: a keepalived:<name> target never reaches a member's or etcd's container. */
  private haproxyNode(name: string): DockerNodeInfo {
    const n = this.node(name);
    if (n.role !== 'haproxy' || !this.haproxies.includes(name)) throw new HarnessError('FAULT_FAILED', `${name} is not an HAProxy of the VIP pair: it runs no keepalived`);
    return n;
  }

  /** Where stop() leaves each container's output (docker logs), by logical name. */
  logFiles(): Record<string, string> {
    return Object.fromEntries([...this.nodes.keys()].map((n) => [n, join(this.runDir, 'logs', `${n}.log`)]));
  }

  /** The container behind a logical name, as the faults act on it: a member's runs Patroni under tini. */
  box(name: string): Container {
    const n = this.node(name);
    return n.role === 'patroni' ? new MemberContainer(n.container) : new Container(n.container);
  }

  logs(name: string, tail = 200): Promise<string> {
    return this.box(name).logs(tail);
  }

  kill(name: string, signal = 'KILL'): Promise<void> {
    return this.box(name).kill(signal);
  }

  pause(name: string): Promise<void> {
    return this.box(name).pause();
  }

  unpause(name: string): Promise<void> {
    return this.box(name).unpause();
  }

  state(name: string): Promise<string> {
    return this.box(name).state();
  }

  exec(name: string, argv: readonly string[], o: { user?: string; timeoutMs?: number; input?: string } = {}): Promise<DockerResult> {
    return this.box(name).exec(argv, o);
  }

  iptables(name: string, args: string[]): Promise<DockerResult> {
    return this.box(name).iptables(args);
  }

  ip(name: string): string {
    return this.node(name).ip;
  }

  /** Drops traffic between two containers (or only from a to b); see partition.ts. Returns its cure. */
  partition(a: string, b: string, o: PartitionOptions = {}): Promise<Cure> {
    this.node(a);
    this.node(b);
    return partition(this, `pc-${this.runId}-${++this.#partitionSeq}`, a, b, o);
  }

  /** Partitions a container from every other container of the run; one cure heals it all. */
  async isolate(name: string, o: PartitionOptions = {}): Promise<Cure> {
    const cures: Cure[] = [];
    try {
      for (const other of this.nodes.keys()) if (other !== name) cures.push(await this.partition(name, other, o));
    } catch (err) {
      await allCures(cures)().catch(() => undefined); // the partition's own error is the one to report
      throw err;
    }
    return allCures(cures);
  }

  // ProcessControl, per container (see Container.signal, MemberContainer.signal).
  signal(component: Component, name: string, sig: NodeJS.Signals): Promise<boolean> {
    return this.box(name).signal(component, sig);
  }

  /** Restarting etcd is restarting its container; Patroni is started again inside its own when only it died (see MemberContainer). */
  restart(_component: 'patroni' | 'etcd', name: string): Promise<void> {
    const box = this.box(name);
    return box instanceof MemberContainer ? box.restartPatroni() : box.restart();
  }

  execIn(name: string, argv: readonly string[], o: { timeoutMs: number }): Promise<CommandResult> {
    return this.box(name).exec(argv, o);
  }

  restartContainer(name: string): Promise<void> {
    return this.box(name).restart();
  }

  pid(component: Component, name: string): Promise<number | undefined> {
    return this.box(name).pid(component);
  }

  // HostControl: a container is a host.
  killHost(name: string): Promise<void> {
    return this.kill(name);
  }

  freezeHost(name: string): Promise<void> {
    return this.pause(name);
  }

  thawHost(name: string): Promise<void> {
    return this.unpause(name);
  }

  startHost(name: string): Promise<void> {
    return this.restartContainer(name);
  }

  /** A member's or an etcd member's container capped at `cpus` CPUs (see cpu.ts). */
  limitCpu(name: string, cpus: number): Promise<{ cure: () => Promise<string>; detail: string }> {
    const box = this.box(name);
    return limitContainerCpu(box, name, cpus, () => daemonCpus(box));
  }

  /** The containers at the other end of a member's links of one kind. */
  peersOf(member: string, kind: LinkKind): string[] {
    const role = this.node(member).role;
    if (role !== 'patroni') throw new HarnessError('FAULT_FAILED', `${member} is not a Patroni member: it has no ${kind} links`);
    const of = (r: ContainerRole) => [...this.nodes.values()].filter((n) => n.role === r && n.name !== member).map((n) => n.name);
    return kind === 'dcs' ? of('etcd') : kind === 'peer' ? of('patroni') : of('haproxy');
  }

  /** The containers as the partition probes reach them. */
  get #probes(): ProbeTarget {
    return {
      ip: (n) => this.ip(n),
      iptables: (n, args) => this.iptables(n, args),
      exec: (n, argv, timeoutMs) => this.exec(n, argv, { timeoutMs }),
      state: (n) => this.state(n),
      probePort: (n) => PROBE_PORT[this.node(n).role],
    };
  }

  #cut(paths: readonly PathCut[], detail: string): Promise<Cut> {
    for (const p of paths) {
      this.node(p.from);
      this.node(p.to);
    }
    return probedCut(this.#probes, () => `pc-${this.runId}-${++this.#partitionSeq}`, paths, detail);
  }

  links(member: string, kinds: readonly LinkKind[]): string[] {
    return this.runLinks?.proxies.links(member, kinds) ?? [];
  }

  probeLink(link: string, o: LinkProbeOptions): Promise<LinkProbe> {
    if (this.runLinks === undefined) throw new HarnessError('NOT_FOUND', `docker run ${this.runId} has no proxied links`);
    return this.runLinks.proxies.probeLink(link, o);
  }

  /**
   * Drops a member's links of these kinds, both ways: between its container
   * and the others' (iptables in each), or where a proxy carries them (see proxied-cut.ts).
   */
  cutLinks(member: string, kinds: readonly LinkKind[]): Promise<Cut> {
    if (this.runLinks !== undefined) {
      this.peersOf(member, kinds[0] ?? 'dcs');
      if (!this.nodes.has(PROXY_NODE)) return blackholeLinks(this.runLinks.proxies, member, kinds, `cut_${kinds.join('_')}`);
      const names = new Set(this.runLinks.proxies.links(member, kinds));
      const links = this.runLinks.table.filter((l) => names.has(l.name));
      return cutLinkPorts({ iptables: (n, a) => this.iptables(n, a), probeLink: (l, o) => this.probeLink(l, o) }, PROXY_NODE, links, `pc-${this.runId}-${++this.#partitionSeq}`);
    }
    const others = [...new Set(kinds.flatMap((k) => this.peersOf(member, k)))];
    return this.#cut(others.map((o) => ({ from: member, to: o })), `${member}: iptables DROP both ways with ${others.join(', ')}`);
  }

  /** A fault whose iptables rules match the containers' own addresses, refused where the links go through the proxy (validate refuses it first). */
  #unproxied(fault: string, does: string): Promise<never> | undefined {
    if (this.runLinks === undefined) return undefined;
    return Promise.reject(new HarnessError('FAULT_FAILED', `${fault} cannot ${does} in docker run ${this.runId}: its links go through the link proxy (the run has a latency or bandwidth fault), past rules between the containers; run it in a scenario without one`));
  }

  loseLinks(member: string, kinds: readonly LinkKind[], probability: number): Promise<Loss> {
    // The bursts that prove the loss go between the containers directly: they would show a loss the proxied traffic never had.
    const refused = this.#unproxied('drop-packets', `thin ${member}'s links`);
    if (refused !== undefined) return refused;
    const others = [...new Set(kinds.flatMap((k) => this.peersOf(member, k)))];
    return lossyPaths(this.#probes, `pl-${this.runId}-${++this.#partitionSeq}`, member, others, probability, `${member}: iptables DROP of ${percent(probability)} of the packets both ways with ${others.join(', ')}`);
  }

  /** Applies a grudge between hosts: each container of a host drops what each container of the hosts it holds a grudge against sends. */
  grudge(drops: ReadonlyMap<string, readonly string[]>): Promise<Cut> {
    // Member -> etcd and member -> member traffic crosses the proxy there: rules between hosts would leave it open.
    const refused = this.#unproxied('partition-hosts', 'partition the hosts');
    if (refused !== undefined) return refused;
    const containers = (host: string) => {
      const i = this.hosts.indexOf(host);
      if (i < 0) throw new HarnessError('FAULT_FAILED', `no host "${host}" (hosts: ${this.hosts.join(', ')})`);
      return [DOCKER_ETCD[i] as string, DOCKER_MEMBERS[i] as string];
    };
    const paths = [...drops].flatMap(([host, from]) => from.flatMap((f) => containers(f).flatMap((sender) => containers(host).map((receiver): PathCut => ({ from: sender, to: receiver, oneWay: true })))));
    return this.#cut(paths, `iptables DROP on ${paths.length} one-way path(s)`);
  }

  /** Copies every container's output into runDir/logs (best effort: it must never block a stop). */
  async collectLogs(): Promise<void> {
    mkdirSync(join(this.runDir, 'logs'), { recursive: true });
    await Promise.all([...this.nodes.values()].map(async (n) => {
      const text = await this.box(n.name).timestampedLogs().catch(() => undefined);
      if (text !== undefined) writeFileSync(join(this.runDir, 'logs', `${n.name}.log`), text);
    }));
  }

  /** Removes every container, the network and the volumes of the run; stopping twice is harmless. */
  stop(): Promise<void> {
    this.#stopped ??= stopInOrder(`stopping docker run ${this.runId}`, [
      // A `docker run` in flight would create its container after the sweep: let the start give up first.
      async () => { if (this.#starting !== undefined) await Promise.race([this.#starting, new Promise((r) => setTimeout(r, 120_000).unref())]); },
      () => this.collectLogs().catch(() => undefined),
      async () => { await this.#receiver?.close().catch(() => undefined); },
      // Even after a part before it threw (a soak's log collection once overflowed the stack): its error comes after.
      () => this.sweep(),
      async () => {
        if (this.runLinks === undefined || this.nodes.has(PROXY_NODE)) return;
        // A Toxiproxy outside the run outlives it: its links go, and what could not be deleted is said.
        const left = await this.runLinks.proxies.remove();
        if (left.length > 0) process.stderr.write(`patroni-chaos: could not delete proxies ${left.join(', ')} from ${this.runLinks.proxies.apiUrl}\n`);
      },
      async () => {
        const left = await leftovers(this.runId);
        const n = left.containers.length + left.networks.length + left.volumes.length;
        if (n > 0) throw new HarnessError('INTERNAL', `docker run ${this.runId} left ${JSON.stringify(left)} after sweep`);
        // Left registered otherwise: a later stop of everything (Ctrl-C, the CLI's exit) sweeps it again.
        liveClusters.delete(this);
      },
    ]);
    return this.#stopped;
  }

  /** Every object labelled with the run's id, and nothing before it (stop() ends with it). */
  async sweep(): Promise<void> {
    await sweep(this.runId);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Reads component versions from the binaries inside the containers. */
  async readVersions(): Promise<Versions> {
    const first = async (name: string, argv: string[], re: RegExp): Promise<string | null> => {
      const r = await this.exec(name, argv, { timeoutMs: 30_000 }).catch(() => undefined);
      if (r === undefined || r.code !== 0) return null;
      const line = `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
      return re.exec(line)?.[1] ?? (line || null);
    };
    const [postgres, patroni, etcd, haproxy] = await Promise.all([
      first('patroni1', ['postgres', '--version'], /(\d+\.\d+)/),
      first('patroni1', ['patroni', '--version'], /(\d+\.\d+\.\d+)/),
      first('etcd1', ['etcd', '--version'], /(\d+\.\d+\.\d+)/),
      first(this.haproxies[0] as string, ['haproxy', '-v'], /version (\S+)/),
    ]);
    this.versions = { postgres, patroni, etcd, haproxy };
    this.packages = await this.readPackages();
    return this.versions;
  }

  /** The Debian packages of every image, exact; undefined when a container could not be asked (never a partial list). */
  async readPackages(): Promise<Record<string, string> | undefined> {
    const parts = await Promise.all(packageProbes(this.release, this.haproxies[0] as string).map(async ({ container, packages }) => {
      const r = await this.exec(container, [...DPKG_QUERY, ...packages], { timeoutMs: 30_000 }).catch(() => undefined);
      const found = r?.code === 0 ? parseDpkgQuery(r.stdout) : {};
      return packages.every((p) => found[p] !== undefined) ? found : undefined;
    }));
    return parts.some((p) => p === undefined) ? undefined : Object.assign({}, ...parts) as Record<string, string>;
  }
}
