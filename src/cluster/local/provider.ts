import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { HarnessError } from '../../errors.js';
import { effectiveDcs } from '../render/dcs.js';
import { allPorts, buildTopology, HOST, type Topology } from './topology.js';
import type { ClusterProvider } from '../types.js';
import { pollUntil } from '../wait/poll.js';
import { healthy, NO_SYNC_STANDBY_YET, syncStandbyNamedInPostgres } from '../wait/healthy.js';
import type { Replication } from '../../scenario/types.js';
import { writeRunLayout } from './layout.js';
import { proxiesConfig, toxiproxyUrl } from './network.js';
import { LocalCluster } from './local-cluster.js';
import { appliedDcsIn, applyScenarioDcs, describeInForce, sendEarly } from '../scenario-dcs.js';
import { ensureTemplate, stagedDataDir, stageTemplate, templateDir } from './pg-template.js';
import { INITDB_OPTIONS, initdbFlags } from '../render/patroni.js';
import { telltaleLine } from './logs.js';
import { assertPortsFree } from './ports.js';
import { reapOrphanedRuns } from './reaper.js';
import { processStartTime, writeRunRecord } from './run-record.js';
import { runRoot } from '../run-root.js';
import { liveClusters } from '../live.js';
import { findBinaries, readComponentVersions, postgresUser, postgresVersion, type Binaries } from './system.js';
import type { Versions } from '../types.js';

export interface LocalProviderOptions {
  portBase?: number;
  replication?: Replication;
  /** Patroni bootstrap.dcs keys over the documented defaults. */
  patroni?: Record<string, unknown>;
  runRoot?: string;
  /** Keep the data directories after stop (for --keep-cluster inspection). */
  keepData?: boolean;
  startTimeoutMs?: number;
  /** Route each member's links through proxies, for network faults. */
  proxies?: boolean;
  /** Use this Toxiproxy (base URL) for the links instead of starting one. */
  toxiproxy?: string;
}

export const DEFAULT_START_TIMEOUT_MS = 120_000;

/** A timestamp and 6 random bytes: runs started in the same second (run --parallel) get different ids. */
export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(6).toString('hex')}`;
}

/**
 * Makes the run's folder, and takes another id while the folder exists: a
 * run never writes into another run's folder, whatever ids `next` gives.
 * Returns the id whose folder this call made.
 */
export function claimRunDir(root: string, first: string, next: () => string = newRunId): string {
  mkdirSync(root, { recursive: true });
  let id = first;
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(join(root, id));
      return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw new HarnessError('INTERNAL', `cannot make a run folder in ${root}: ${(err as Error).message}`);
    }
    id = next();
  }
}

function portRoles(t: Topology): Map<number, string> {
  const roles = new Map<number, string>();
  const h = t.haproxy;
  roles.set(h.primaryPort, 'HAProxy primary').set(h.replicaPort, 'HAProxy replicas').set(h.anyPort, 'HAProxy any').set(h.statsPort, 'HAProxy stats');
  for (const m of t.members) roles.set(m.pgPort, `${m.name} PostgreSQL`).set(m.restPort, `${m.name} REST`);
  for (const e of t.etcd) roles.set(e.clientPort, `${e.name} client`).set(e.peerPort, `${e.name} peer`);
  if (!t.network.externalApi) roles.set(t.network.apiPort, 'link proxy API');
  for (const l of t.network.links) roles.set(l.port, `proxy ${l.name}`);
  roles.set(t.monitoring.prometheusPort, 'Prometheus').set(t.monitoring.alertmanagerPort, 'Alertmanager');
  if (roles.size !== allPorts(t).length) throw new HarnessError('INTERNAL', 'port plan has collisions');
  return roles;
}

/**
 * Whether an etcd member serves its peers. A new etcd 3.4 member first asks
 * each peer whether it is already bootstrapped, waiting a second on a peer
 * that has opened its listener but serves nothing yet: started together,
 * three members lose two seconds to each other. Started one after another,
 * each finds its peers serving or not listening, and goes on at once.
 */
async function etcdServingPeers(peerUrl: string): Promise<true | string> {
  const res = await request(`${peerUrl}/members`, { headersTimeout: 200, bodyTimeout: 200, signal: AbortSignal.timeout(300) });
  await res.body.dump();
  return res.statusCode === 200 ? true : `${peerUrl}/members: ${res.statusCode}`;
}

async function etcdHealthy(url: string): Promise<true | string> {
  const res = await request(`${url}/health`, { headersTimeout: 1000, bodyTimeout: 1000 });
  const body = await res.body.text();
  return res.statusCode === 200 && body.includes('true') ? true : `${url}/health: ${res.statusCode} ${body}`;
}

/** The `local` provider: real processes from the distribution's packages on 127.0.0.1. */
export class LocalProvider implements ClusterProvider {
  readonly name = 'local';
  constructor(private readonly o: LocalProviderOptions = {}) {}

  async start({ onProgress }: { onProgress?: (message: string) => void } = {}): Promise<LocalCluster> {
    const say = onProgress ?? (() => undefined);
    const root = this.o.runRoot ?? runRoot();
    for (const r of await reapOrphanedRuns(root)) say(`reaped ${r.killed} process(es) left by a killed run in ${r.runDir}`);
    const binaries = findBinaries();
    const replication = this.o.replication ?? 'synchronous';
    const plan = (runId: string) => buildTopology(
      {
        runId, runRoot: root, replication, proxied: this.o.proxies ?? false,
        ...(this.o.portBase === undefined ? {} : { portBase: this.o.portBase }),
        ...(this.o.toxiproxy === undefined ? {} : { toxiproxy: this.o.toxiproxy }),
      },
      effectiveDcs(replication, this.o.patroni),
    );
    const planned = plan(newRunId());
    await assertPortsFree(portRoles(planned), planned.portBase);
    // Registered before the run makes anything (refused once a Ctrl-C began stopping everything). From here to
    // the cluster's own registration nothing awaits: a stop cannot come in between, so the guard stops nothing.
    const guard = { stop: async () => undefined, sweep: async () => undefined };
    liveClusters.add(guard);
    let made: { cluster: LocalCluster; staging: Promise<Error | undefined>; versions: Promise<Versions> };
    try {
      made = this.#make(root, binaries, planned, plan);
    } finally {
      liveClusters.delete(guard);
    }
    const { cluster, staging, versions } = made;
    try {
      await this.#boot(cluster, say, staging);
      cluster.recordVersions(await versions);
    } catch (err) {
      await staging; // so that no copy is still being written into the run folder after stop
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** The run's folder and files, and its cluster (registered): all at once, nothing awaited. */
  #make(root: string, binaries: Binaries, planned: Topology, plan: (runId: string) => Topology): { cluster: LocalCluster; staging: Promise<Error | undefined>; versions: Promise<Versions> } {
    const runId = claimRunDir(root, planned.runId);
    // Another id changes only the run's paths, not its ports.
    const topology = runId === planned.runId ? planned : plan(runId);
    const runAs = postgresUser();
    const pgVersion = postgresVersion(binaries);
    const flags = initdbFlags(INITDB_OPTIONS);
    const superuser = topology.credentials.superuser.username;
    // An unknown PostgreSQL version cannot name a template that is surely its own: initdb then.
    const template = pgVersion === null ? undefined
      : ensureTemplate(templateDir(root, pgVersion, binaries.pgBinDir, flags, superuser, runAs?.uid ?? process.getuid?.() ?? -1), binaries.pgBinDir, flags, superuser, runAs);
    writeRunLayout(topology, binaries, runAs, template);
    if (topology.proxied) writeFileSync(join(topology.runDir, 'proxies.json'), proxiesConfig(topology));
    writeRunRecord({ runId, runDir: topology.runDir, ownerPid: process.pid, ownerStartTime: processStartTime(process.pid), portBase: topology.portBase, createdAt: new Date().toISOString(), state: 'starting' });
    const cluster = new LocalCluster({ topology, binaries, runAs, keepData: this.o.keepData ?? false });
    // Made while etcd starts; awaited before Patroni starts, so that its bootstrap finds it whole.
    const staging = template === undefined ? Promise.resolve(undefined) : stageTemplate(template, stagedDataDir(topology.runDir), runAs);
    // Read while the cluster starts; never rejects (an unreadable version is null).
    const versions = readComponentVersions(binaries);
    return { cluster, staging, versions };
  }

  async #boot(c: LocalCluster, say: (m: string) => void, staging: Promise<Error | undefined>): Promise<void> {
    const t = c.topology;
    const timeoutMs = this.o.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const diagnose = (): string => {
      const dead = c.exitedUnexpectedly();
      if (dead.length > 0) return dead.map((d) => `${d.key} exited: ${telltaleLine(d.logFile)} (log: ${d.logFile})`).join('\n');
      return Object.entries(c.logFiles()).map(([n, f]) => `${n}: ${telltaleLine(f)}`).join('\n');
    };
    const failFastOnExit = (): void => {
      const dead = c.exitedUnexpectedly();
      if (dead.length > 0) throw new HarnessError('COMPONENT_EXITED', `cluster did not start: ${diagnose()}`);
    };
    // Loaded while etcd starts, run once it serves (patroni-launch.ts); otherwise started then.
    const preloaded = c.patroniWaitsForGate;
    if (preloaded) for (const m of t.members) c.startPatroni(m.name);
    say(`starting etcd (${t.etcd.map((e) => e.clientPort).join(', ')})`);
    for (const e of t.etcd) {
      c.startEtcd(e.name);
      await pollUntil(async () => {
        failFastOnExit();
        return etcdServingPeers(`http://${HOST}:${e.peerPort}`);
      }, { timeoutMs: 10_000, intervalMs: 20, what: `${e.name} serving its peers`, onTimeout: diagnose });
    }
    // Polled often: etcd elects its leader at a random moment within its election timeout, and Patroni waits for it.
    await pollUntil(async () => {
      failFastOnExit();
      for (const e of c.etcd) {
        const r = await etcdHealthy(e.clientUrl);
        if (r !== true) return r;
      }
      return true;
    }, { timeoutMs: 30_000, intervalMs: 50, what: 'etcd cluster healthy', onTimeout: diagnose });
    if (t.proxied && t.network.externalApi) {
      say(`creating the link proxies on the Toxiproxy at ${t.network.externalApi}`);
      await c.proxies?.populate();
    } else if (t.proxied) {
      say(`starting the link proxies (API ${toxiproxyUrl(t)})`);
      c.startProxy();
    }
    if (t.proxied) {
      await pollUntil(async () => {
        failFastOnExit();
        return c.proxies?.ready() ?? true;
      }, { timeoutMs: 15_000, what: 'link proxies ready', onTimeout: diagnose });
    }
    await c.startMonitoring(say);
    const stagingFailed = await staging;
    if (stagingFailed !== undefined) say(`could not stage the data directory template (${stagingFailed.message}); the leader's bootstrap copies it`);
    say(`starting Patroni on ${t.members.map((m) => `${m.name}:${m.pgPort}`).join(', ')}`);
    if (preloaded) c.openPatroniGate();
    else for (const m of t.members) c.startPatroni(m.name);
    c.startHaproxy();
    const scenarioDcs = { dcs: t.dcs, members: t.members.map((m) => ({ name: m.name, restUrl: `http://${HOST}:${m.restPort}`, applied: appliedDcsIn(m.dataDir) })), auth: t.credentials.rest };
    let sent: Promise<boolean> | undefined;
    await pollUntil(async () => {
      failFastOnExit();
      const r = await healthy(c);
      // The scenario's settings go in while the leader's HA loop waits to publish the standby it named in
      // PostgreSQL: that loop publishes it whatever loop_wait becomes, and the settings are in force sooner.
      if (r === NO_SYNC_STANDBY_YET && sent === undefined && await syncStandbyNamedInPostgres(c)) sent = sendEarly(scenarioDcs);
      return r;
    }, { timeoutMs, intervalMs: 50, what: 'cluster healthy (1 leader, 2 streaming replicas, HAProxy routing)', onTimeout: diagnose });
    const inForce = await applyScenarioDcs(scenarioDcs, { timeoutMs: 15_000, intervalMs: 25, onTimeout: diagnose, ...(sent === undefined ? {} : { sent }) });
    c.recordDcsInForce(inForce);
    say(`scenario Patroni settings in force on ${inForce.appliedOn.join(', ')}: ${describeInForce(inForce)}`);
    writeRunRecord({
      runId: t.runId, runDir: t.runDir, ownerPid: process.pid, ownerStartTime: processStartTime(process.pid),
      portBase: t.portBase, createdAt: new Date().toISOString(), state: 'running',
      endpoints: { primary: `${HOST}:${t.haproxy.primaryPort}`, replicas: `${HOST}:${t.haproxy.replicaPort}`, stats: c.endpoints.statsUrl },
    });
  }
}
