/**
 * Provider interfaces. One required shape (start, stop, members); optional
 * abilities (process control...) are separate interfaces detected by type
 * guards, as Jepsen's Kill/Pause protocols are, never methods that throw
 * "unsupported".
 */
import type { Replication } from '../sla/types.js';
import type { Credentials, LinkKind } from './topology.js';

/** Component versions as the provider read them from the binaries; null when it could not. */
export interface Versions {
  postgres: string | null;
  patroni: string | null;
  etcd: string | null;
  haproxy: string | null;
}

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
  readonly members: readonly MemberHandle[];
  readonly etcd: readonly EtcdHandle[];
  readonly endpoints: ClusterEndpoints;
  readonly credentials: Credentials;
  readonly versions: Versions;
  /** Log files of every component, by component name. */
  logFiles(): Record<string, string>;
  stop(): Promise<void>;
}

export interface ClusterProvider {
  readonly name: string;
  start(options: { onProgress?: (message: string) => void }): Promise<StartedCluster>;
}

/** What a provider can do, declared before it starts, so scenarios are checked up front. */
export type Capability = 'process-control' | 'patroni-rest' | 'network';

/** Provider-neutral settings of one scenario's cluster. */
export interface ProviderOptions {
  replication: Replication;
  /** Patroni bootstrap.dcs keys over the documented defaults. */
  patroni: Record<string, unknown>;
  /** How long the cluster may take to become healthy. */
  startTimeoutMs: number;
  /** The run has network faults: links must be impairable. */
  network: boolean;
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
  create(o: ProviderOptions): ClusterProvider;
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

/** Links carried by a Toxiproxy-compatible proxy: what the network faults need. */
export interface NetworkControl {
  /** Base URL of the Toxiproxy API. */
  readonly toxiproxyUrl: string;
  /** Names of the proxies on a member's links of one kind. */
  links(member: string, kind: LinkKind): string[];
}

export function hasNetworkControl(c: StartedCluster): c is StartedCluster & NetworkControl {
  return typeof (c as Partial<NetworkControl>).toxiproxyUrl === 'string';
}
