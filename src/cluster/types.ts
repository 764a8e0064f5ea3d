/**
 * Provider interfaces. One required shape (start, stop, members); optional
 * abilities (process control...) are separate interfaces detected by type
 * guards, as Jepsen's Kill/Pause protocols are, never methods that throw
 * "unsupported".
 */
import type { Monitoring } from '../alerts/monitoring.js';
import type { Replication, Topology, Versions } from '../sla/types.js';

export type { Topology, Versions };

/**
 * A member's links, as faults name them: `dcs` its connections to each etcd
 * member; `peer` what other members open to it (replication and pg_rewind to
 * its PostgreSQL, REST between members); `client` what HAProxy opens to it
 * (client sessions and health checks).
 */
export type LinkKind = 'dcs' | 'peer' | 'client';

/** The cluster's PostgreSQL roles, as Patroni's `postgresql.authentication` names them. */
export interface Credentials {
  superuser: { username: string; password: string };
  replication: { username: string; password: string };
  rewind: { username: string; password: string };
  /** Basic authentication of Patroni's unsafe REST endpoints (switchover, failover, PATCH /config). */
  rest: { username: string; password: string };
}

/** What a client of the cluster needs: the harness's own SQL login and Patroni's REST login. */
export type ClientCredentials = Pick<Credentials, 'superuser' | 'rest'>;

export interface Endpoint {
  host: string;
  port: number;
}

export interface MemberHandle {
  name: string;
  /** PostgreSQL's TCP endpoint, direct (not through HAProxy). */
  pg: Endpoint;
  /** Patroni REST base URL. */
  restUrl: string;
  /**
   * PostgreSQL's own address on HAProxy's connections (`inet_server_addr()`,
   * `inet_server_port()`): how a session learns which member it reached.
   */
  serverAddress: Endpoint;
}

export interface EtcdHandle {
  name: string;
  clientUrl: string;
}

export interface ClusterEndpoints {
  primary: Endpoint;
  replicas: Endpoint;
  any: Endpoint;
  statsUrl: string;
}

/**
 * Proof that a cluster which booted with other Patroni settings (a short
 * loop_wait, to start fast) runs with the scenario's before the first step.
 */
export interface DcsInForce {
  /** When every check below passed (ISO 8601). */
  verifiedAt: string;
  /** What the cluster booted with instead, for the keys PATCH /config then changed. */
  boot: Record<string, unknown>;
  /** ttl, loop_wait and retry_timeout as GET /config answered on `configFrom`. */
  values: { ttl: number; loop_wait: number; retry_timeout: number };
  /** The member whose GET /config was read (every member's was, and agreed). */
  configFrom: string;
  /** The members whose own applied dynamic configuration held the scenario's settings. */
  appliedOn: string[];
}

/** A running cluster. Disposal stops it; stopping twice is harmless. */
export interface StartedCluster extends AsyncDisposable {
  readonly provider: string;
  readonly runId: string;
  readonly runDir: string;
  /** Patroni scope (cluster name) in the DCS. */
  readonly scope: string;
  readonly replication: Replication;
  /** Effective Patroni bootstrap.dcs settings (documented defaults + scenario overrides). */
  readonly dcs: Readonly<Record<string, unknown>>;
  /** Set by providers that boot with other settings than `dcs`: when and how `dcs` was seen in force. */
  readonly dcsInForce?: DcsInForce;
  readonly members: readonly MemberHandle[];
  readonly etcd: readonly EtcdHandle[];
  readonly endpoints: ClusterEndpoints;
  readonly credentials: ClientCredentials;
  readonly versions: Versions;
  /** Patroni's namespace in etcd (the leader key is `<namespace><scope>/leader`); '/service/' when absent. */
  readonly namespace?: string;
  /** The distribution release the cluster was built from, for providers that build it. */
  readonly release?: string;
  /** Exact distribution package versions (Debian package -> version), for providers that build the cluster from packages. */
  readonly packages?: Readonly<Record<string, string>>;
  /** Log files of every component, by component name. */
  logFiles(): Record<string, string>;
  /** Collects the logs, undoes what it can, then ends with sweep(), even when a part before it throws; stopping twice is harmless. */
  stop(): Promise<void>;
  /**
   * What stop() ends with, alone: removes what the run made by the
   * provider's own record of it (docker: every object with the run's label;
   * local: the processes naming the run folder, and its data), with nothing
   * before it that could throw or hang (no log collection, no heal). The
   * stop paths (the runner, Ctrl-C, a crash) run it after a stop that threw
   * or has not ended. Twice is harmless.
   */
  sweep(): Promise<void>;
}

export interface ClusterProvider {
  readonly name: string;
  start(options: { onProgress?: (message: string) => void }): Promise<StartedCluster>;
}

/**
 * What a provider can do, declared before it starts, so scenarios are checked up front.
 * - process-control: kill, freeze and restart members and etcd members, signal PostgreSQL.
 * - patroni-signal: signal Patroni alone, leaving its PostgreSQL running.
 * - patroni-rest: Patroni's REST API (switchover, failover).
 * - link-cut: blackhole a member's links to etcd, to its peers or from HAProxy.
 * - link-shape: latency and bandwidth limits on those links.
 * - host-partition: partitions between whole hosts (etcdN and patroniN), as Jepsen's grudges.
 * - exec: an operator's command run inside a member's or an etcd member's container (`exec` steps).
 * - dcs-leadership: moving etcd's raft leadership to another etcd member.
 * - cpu-limit: capping the CPU of a member's or an etcd member's whole host.
 * - link-loss: drop a share of the packets on a member's links, at random.
 */
export type Capability = 'process-control' | 'patroni-signal' | 'patroni-rest' | 'link-cut' | 'link-shape' | 'host-partition' | 'exec' | 'dcs-leadership' | 'cpu-limit' | 'link-loss';

/** Why a capability may be missing, in words for `validate`'s refusal. */
export const CAPABILITY_TEXT: Record<Capability, string> = {
  'process-control': 'killing, freezing and restarting members',
  'patroni-signal': 'signalling Patroni without its PostgreSQL',
  'patroni-rest': "Patroni's REST API",
  'link-cut': "blackholing a member's links",
  'link-shape': 'latency and bandwidth on links',
  'host-partition': 'partitions between whole hosts',
  exec: "running commands inside a member's container",
  'dcs-leadership': "moving etcd's leadership",
  'cpu-limit': "limiting a host's CPU",
  'link-loss': "dropping a share of a member's packets",
};

/** What a run asks of the user's consent: what they typed (--confirm-cluster) and the scenarios that would inject faults. */
export interface Consent {
  typed: string | undefined;
  faulting: readonly string[];
}

/** A fault needing `capability` cannot share a scenario with one needing `with`, for the reason given. */
export interface ExclusiveAbility {
  capability: Capability;
  with: Capability;
  why: string;
}

/** Provider-neutral settings of one scenario's cluster. */
export interface ProviderOptions {
  replication: Replication;
  /** Patroni bootstrap.dcs keys over the documented defaults. */
  patroni: Record<string, unknown>;
  /** How long the cluster may take to become healthy. */
  startTimeoutMs: number;
  /** The run has network faults: links must be impairable. */
  network: boolean;
  /** Among them latency or bandwidth faults (link-shape): links must go through a proxy, where cuts alone need not. */
  shapedLinks?: boolean;
  /** The distribution release whose packages make the cluster (providers that build images). */
  release?: string;
  /** What stands between the clients and PostgreSQL; absent: `minimal`. Only a provider listing it in `topologies` is given another. */
  topology?: Topology;
  portBase?: number;
  /** Keep the data after stop, for inspection. */
  keepData?: boolean;
  /** A Toxiproxy (base URL) to carry the links instead of the provider's own. */
  toxiproxy?: string;
}

/**
 * A provider as the registry knows it: its name, what it can do and the
 * member names it will have, all before anything starts, so that
 * `validate --provider X` refuses what X cannot express.
 */
export interface ProviderEntry {
  readonly name: string;
  readonly capabilities: ReadonlySet<Capability>;
  readonly members: readonly string[];
  readonly etcdMembers: readonly string[];
  /** Releases `cluster.release` may name; absent when the provider runs what the machine has. */
  readonly releases?: readonly string[];
  /** Topologies `cluster.topology` may name; absent: `minimal` only. */
  readonly topologies?: readonly Topology[];
  /** Why one of `topologies` cannot be made on this release, or beside latency and bandwidth faults; undefined when it can. */
  topologyRefusal?(topology: Topology, release: string | undefined, o: { shapedLinks: boolean }): string | undefined;
  /** Why a capability is missing here, when there is more to say than its name. */
  readonly missing?: Partial<Record<Capability, string>>;
  /**
   * Abilities this provider has, but not in a run that also uses another
   * (docker: its iptables rules between containers miss the links a
   * latency or bandwidth fault sends through the proxy), each with why.
   */
  readonly exclusive?: readonly ExclusiveAbility[];
  /**
   * The components' logs a run's report gets (logs/<name>.log, from
   * logFiles()), which `evidence:` reads; absent: none. `unreadable`: by
   * component (patroni, postgres, etcd, haproxy), those it cannot read, and why.
   */
  readonly logs?: { unreadable?: Readonly<Record<string, string>> };
  /** The component versions a run would get (docker: the release table; local: the installed binaries); absent when known only once attached. */
  versions?(release: string | undefined): { versions: Partial<Versions>; source: string };
  create(o: ProviderOptions): ClusterProvider;
  /** The runs of this provider that exist on this machine now (reads only): `cluster status`, `--version --components`. */
  running?(): Promise<RunningCluster[]>;
  /** Stops every run of this provider, asking each live owner first, then removing what is left; one line per run (`cluster down`). */
  down?(): Promise<string[]>;
  /** Versions of what a run would start, for providers that run this machine's binaries; throws MISSING_BINARY when one is missing. */
  installed?(): Versions;
  /** Makes what a release needs ahead of a run (docker: builds its images); returns one line saying what it made or found. */
  prepare?(release: string, onProgress: (line: string) => void): Promise<string>;
  /**
   * The user's consent, before anything is touched, for a provider that runs
   * on a cluster it did not start (external: its scope typed again, and the
   * file allowing faults); throws invalid input (ScenarioError) without it.
   */
  confirm?(c: Consent): void;
  /** Provider-specific lines for a person holding a started cluster (`cluster up`): containers, commands to reach it. */
  describe?(c: StartedCluster): string[];
  /**
   * run --parallel N: how N clusters of this provider at once on one machine
   * are kept apart. `portBlock`: the run in pool slot k takes its ports from
   * the port base + k * portBlock (0: every start chooses free ports of its
   * own); `refused`: why it runs one cluster at a time. Absent: refused.
   */
  readonly parallel?: { portBlock: number } | { refused: string };
}

/** A run that exists now, as `cluster status` and `--version --components` see it. */
export interface RunningCluster {
  provider: string;
  runId: string;
  /** What a person reads first: owner, port base, primary endpoint. */
  headline: string;
  /** Each container and its state, for providers of containers. */
  containers?: Array<{ node: string; container: string; state: string }>;
  portBase?: number;
  /** Patroni REST of each member, as published on this host. */
  rest: Array<{ name: string; url: string }>;
  /** etcd's version, asked of the cluster's own etcd; null when none answers. */
  etcdVersion(): Promise<string | null>;
  /** HAProxy's version, from the binary the cluster runs; null when unknown. */
  haproxyVersion(): Promise<string | null>;
}

/** `replication` is a member's WAL streaming processes: its walsenders and its walreceiver. */
export type Component = 'patroni' | 'postgres' | 'etcd' | 'replication';

/** Process-level control of members (kill, freeze, restart): what the process faults need. */
export interface ProcessControl {
  /** Signals a component's whole process group; false if it was not running. */
  signal(component: Component, name: string, sig: NodeJS.Signals): Promise<boolean>;
  /** Starts a stopped or killed component again (Patroni brings PostgreSQL with it). */
  restart(component: 'patroni' | 'etcd', name: string): Promise<void>;
  /** PID of a component's main process, if it is running. */
  pid(component: Component, name: string): Promise<number | undefined>;
}

export function hasProcessControl(c: StartedCluster): c is StartedCluster & ProcessControl {
  const p = c as Partial<ProcessControl>;
  return typeof p.signal === 'function' && typeof p.restart === 'function' && typeof p.pid === 'function';
}

/**
 * Whole hosts (a container: every process of a member, or an etcd member),
 * as a machine fails: power loss, a frozen VM, a reboot. Faults prefer it to
 * signalling processes one by one where the provider has it.
 */
export interface HostControl {
  /** SIGKILL of everything on the host at once. */
  killHost(name: string): Promise<void>;
  /** Freezes every process of the host (cgroup freezer). */
  freezeHost(name: string): Promise<void>;
  thawHost(name: string): Promise<void>;
  /** Starts a killed host again with its data. */
  startHost(name: string): Promise<void>;
}

export function hasHostControl(c: StartedCluster): c is StartedCluster & HostControl {
  const h = c as Partial<HostControl>;
  return typeof h.killHost === 'function' && typeof h.freezeHost === 'function' && typeof h.thawHost === 'function' && typeof h.startHost === 'function';
}

/**
 * The `seeds` topology's two HAProxies sharing a VIP (keepalived VRRP): what
 * the haproxy-active and haproxy-passive targets resolve through, and what
 * proves a fault on one moved the VIP. The clients' endpoints are the VIP.
 */
export interface VipPair {
  readonly vip: string;
  /** The two HAProxies' names, the higher VRRP priority first. */
  readonly haproxies: readonly string[];
  /** Which HAProxy answers on the VIP now, as a client reaching it sees; undefined when none answers within `timeoutMs`. */
  vipHolder(timeoutMs: number): Promise<string | undefined>;
  /** Whether one HAProxy answers on its own address (not the VIP) within `timeoutMs`. */
  haproxyAnswers(name: string, timeoutMs: number): Promise<boolean>;
}

export function hasVipPair(c: StartedCluster): c is StartedCluster & VipPair {
  const v = c as Partial<VipPair>;
  return typeof v.vip === 'string' && Array.isArray(v.haproxies) && typeof v.vipHolder === 'function' && typeof v.haproxyAnswers === 'function';
}

/**
 * keepalived beside each HAProxy of the VIP pair, as a process of its own
 * in the HAProxy's host: what the keepalived:<haproxy target> targets act on
 * while HAProxy keeps running (issue 22: "kill keepalived").
 */
export interface Keepalived {
  /** The host PIDs of every keepalived process in an HAProxy's host (the parent and its VRRP child); empty when none runs. */
  keepalivedPids(haproxy: string): Promise<number[]>;
  /** Signals every keepalived process in an HAProxy's host; false when none was running. */
  signalKeepalived(haproxy: string, sig: NodeJS.Signals): Promise<boolean>;
  /** Starts keepalived again as its host's entrypoint did (nothing in the host restarts it); returns once its process is seen. */
  startKeepalived(haproxy: string): Promise<void>;
  /** What one HAProxy's client listeners took in so far, read on its own address (not the VIP); undefined when unreadable within `timeoutMs`. */
  clientTraffic(haproxy: string, timeoutMs: number): Promise<ClientTraffic | undefined>;
}

/** Cumulative counters of one HAProxy's client listeners: sessions accepted and bytes received from clients. */
export interface ClientTraffic {
  sessions: number;
  bytesIn: number;
}

export function hasKeepalived(c: StartedCluster): c is StartedCluster & Keepalived {
  const k = c as Partial<Keepalived>;
  return typeof k.keepalivedPids === 'function' && typeof k.signalKeepalived === 'function' && typeof k.startKeepalived === 'function' && typeof k.clientTraffic === 'function';
}

/**
 * The `seeds` topology's PgBouncer on every member (002: "One PgBouncer
 * instance per Patroni node"): what the pgbouncer:<member> targets act on,
 * and how their faults are proven, on the address the HAProxies route to.
 */
export interface Poolers {
  /** PgBouncer's PID in a member's host; undefined when none runs. */
  poolerPid(member: string): Promise<number | undefined>;
  /** Signals a member's PgBouncer; false when none was running. */
  signalPooler(member: string, sig: NodeJS.Signals): Promise<boolean>;
  /** Starts a member's PgBouncer again as its host's entrypoint did: nothing in the host restarts it. */
  startPooler(member: string): Promise<void>;
  /** One SSLRequest to a member's PgBouncer on the address the HAProxies reach it at: answered, silent (frozen) or unprobed (refused). */
  probePooler(member: string, timeoutMs: number): Promise<LinkProbe>;
}

export function hasPoolers(c: StartedCluster): c is StartedCluster & Poolers {
  const p = c as Partial<Poolers>;
  return typeof p.poolerPid === 'function' && typeof p.signalPooler === 'function' && typeof p.startPooler === 'function' && typeof p.probePooler === 'function';
}

/** What a command run in a container gave back. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when `code` is not the command's exit code, and why (see NoExit); absent: it is. */
  noExit?: NoExit;
}

/**
 * Why a result's code is not the command's own: it never ran, because the
 * container is gone (no such container, or not running), paused, or the
 * daemon would not start it or was not reached (not-run); or it ran and
 * its end was lost (the stream or the exec's inspection failed).
 */
export type NoExit = 'gone' | 'paused' | 'not-run' | 'lost';

/** Commands run inside a member's or an etcd member's container, as an operator runs `docker exec`. */
export interface CommandExec {
  execIn(name: string, argv: readonly string[], o: { timeoutMs: number }): Promise<CommandResult>;
}

export function hasCommandExec(c: StartedCluster): c is StartedCluster & CommandExec {
  return typeof (c as Partial<CommandExec>).execIn === 'function';
}

/**
 * A Prometheus of the run (and an Alertmanager posting to the harness)
 * evaluating the documented alert rules over the run; `{ missing }` says
 * why a provider that would run one could not.
 */
export interface AlertMonitoring {
  readonly monitoring: Monitoring;
}

export function hasAlertMonitoring(c: StartedCluster): c is StartedCluster & AlertMonitoring {
  return typeof (c as Partial<AlertMonitoring>).monitoring === 'object';
}

/** Undoes exactly what one fault did; a second call does nothing. */
export type Cure = () => Promise<void>;

/**
 * What one probe across a path saw. `answered`: something came back (a
 * refusal counts: packets flowed); `silent`: nothing within the probe's
 * timeout, as a dropped or blackholed path gives; `unprobed`: no probe could
 * be made or it ended otherwise (a closed connection, a frozen prober), so
 * it proves nothing either way; `gone`: an end of the path is not running,
 * so rules in its network namespace went with it.
 */
export type Reach =
  | { kind: 'answered'; ms: number }
  | { kind: 'silent'; ms: number }
  | { kind: 'unprobed'; why: string }
  | { kind: 'gone'; why: string };

/** A path between two containers that a cut severs, probed across (`from` opens a connection to `to`). */
export interface CutPath {
  from: string;
  to: string;
}

/** A cut in force: its rules, and what probes across each path it severs saw. */
export interface Cut {
  detail: string;
  /** Each severed path, probed just before the rules went in and again with them in. */
  probes: (CutPath & { before: Reach; during: Reach })[];
  /**
   * When the first rule began to go in and when the last was in (history
   * clock): the probes before and after take a second or more, and RTO must
   * run from the cut, not from the probes that preceded it.
   */
  span: { from: number; to: number };
  /** Removes exactly the rules, then probes each path again; a second call retries only what is left. */
  cure: () => Promise<(CutPath & { after: Reach })[]>;
}

/** CPU caps on whole hosts (docker: the container's CFS quota, as `docker update --cpus` sets it). */
export interface CpuLimit {
  /** Caps the host at `cpus` CPUs; `detail` holds the quota read back; the cure puts the previous cap back, reads it back and says so. */
  limitCpu(name: string, cpus: number): Promise<{ cure: () => Promise<string>; detail: string }>;
}

export function hasCpuLimit(c: StartedCluster): c is StartedCluster & CpuLimit {
  return typeof (c as Partial<CpuLimit>).limitCpu === 'function';
}

/** Blackholes links by dropping packets (iptables) rather than in a proxy. */
export interface LinkCut {
  /** Drops every packet on a member's links of these kinds, both ways, probing the paths it cuts. */
  cutLinks(member: string, kinds: readonly LinkKind[]): Promise<Cut>;
}

export function hasLinkCut(c: StartedCluster): c is StartedCluster & LinkCut {
  return typeof (c as Partial<LinkCut>).cutLinks === 'function';
}

/** Partitions between hosts, Jepsen's grudge: each host drops what it receives from the hosts listed for it. */
export interface HostPartition {
  /** Host names (host N = etcdN and patroniN), in order. */
  readonly hosts: readonly string[];
  grudge(drops: ReadonlyMap<string, readonly string[]>): Promise<Cut>;
}

export function hasHostPartition(c: StartedCluster): c is StartedCluster & HostPartition {
  return typeof (c as Partial<HostPartition>).grudge === 'function';
}

/** What a link probe sent and saw: `sent` is the bytes written upstream (a bandwidth toxic delays by it). */
export type LinkProbe = Reach & { sent: number };

export interface LinkProbeOptions {
  timeoutMs: number;
  padBytes?: number;
  /**
   * Send nothing and only hold the connection: `silent` when it stays open
   * for the whole timeout. A proxy joins each client to a new upstream
   * connection and closes the client's when the upstream refuses, so a held
   * connection shows the upstream took it, with no byte to trip a toxic.
   */
  idle?: boolean;
}

/** What an impairment does to a link, in both directions. */
export type LinkEffect =
  | { kind: 'latency'; latencyMs: number; jitterMs: number }
  /** KB/s, as Toxiproxy's bandwidth toxic counts it (bytes per ms). */
  | { kind: 'bandwidth'; rateKBps: number }
  /** Holds every byte and never closes: nothing answers and nothing is refused. */
  | { kind: 'blackhole' }
  /**
   * Aborts with RST every connection as soon as a byte crosses it, open ones and new ones:
   * everything is refused at once, as when a host's peer goes away (Toxiproxy's reset_peer).
   */
  | { kind: 'reset' };

/** Removes exactly one impairment, checks the links it was on are left clean, and says so; a failure throws. */
export type LinkCure = () => Promise<string>;

/**
 * Links whose traffic the provider can slow, narrow or blackhole (in a
 * proxy, whichever carries them): what the network faults need. How is the
 * provider's; a fault names a member, link kinds and an effect.
 */
export interface LinkImpairment {
  /** Names of a member's links of these kinds, as probes and details name them. */
  links(member: string, kinds: readonly LinkKind[]): string[];
  /**
   * One small request across a link to its upstream, timed to the first
   * byte of the answer, on a new connection: what proves an effect acted.
   * `padBytes` asks for a request about that much longer (as far as the
   * upstream's protocol allows), so a bandwidth limit shows; `idle` sends nothing.
   */
  probeLink(link: string, o: LinkProbeOptions): Promise<LinkProbe>;
  /** Puts the effect on every link of these kinds of a member, both directions; returns its cure. */
  impairLinks(member: string, kinds: readonly LinkKind[], effect: LinkEffect, label: string): Promise<LinkCure>;
}

/** Providers whose links are impairable only in some runs (those with a network fault) leave `impairLinks` undefined in the others. */
export function hasLinkImpairment(c: StartedCluster): c is StartedCluster & LinkImpairment {
  const l = c as Partial<LinkImpairment>;
  return typeof l.impairLinks === 'function' && typeof l.links === 'function' && typeof l.probeLink === 'function';
}

/** What the rules of a lossy path counted: packets they dropped, and packets that got through. */
export interface LossCount extends CutPath {
  dropped: number;
  passed: number;
}

/** Packet loss in force: its rules, and what their counters showed under traffic. */
export interface Loss {
  detail: string;
  /** When the first rule began to go in and when the last was in (history clock). */
  span: { from: number; to: number };
  /** Sends traffic across every lossy path and reads the rules' counters, until each path shows drops or the time is up. */
  observe(timeoutMs: number): Promise<LossCount[]>;
  /** Removes exactly the rules, then probes each path again; a second call retries only what is left. */
  cure: () => Promise<(CutPath & { after: Reach })[]>;
}

/** Random packet loss on links (iptables' statistic match), where the provider sees packets rather than streams. */
export interface LinkLoss {
  /** Drops each packet on a member's links of these kinds with this probability, both ways, on the receiving side. */
  loseLinks(member: string, kinds: readonly LinkKind[], probability: number): Promise<Loss>;
}

export function hasLinkLoss(c: StartedCluster): c is StartedCluster & LinkLoss {
  return typeof (c as Partial<LinkLoss>).loseLinks === 'function';
}
