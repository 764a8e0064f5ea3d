import { HarnessError } from '../../errors.js';
import { patroniLaunch } from './patroni-launch.js';
import { renderEtcdArgs } from './etcd-args.js';
import { HOST, type Topology } from './topology.js';
import type { ClusterEndpoints, Component, DcsInForce, EtcdHandle, LinkImpairment, LinkKind, LinkProbe, LinkProbeOptions, MemberHandle, ProcessControl, StartedCluster, Versions } from '../types.js';
import { proxiedLinks, proxyProcessSpec } from './network.js';
import type { ProxiedLinks } from '../proxied-links.js';
import { removeRunData } from './layout.js';
import { postmasterPid } from './postmaster.js';
import { procInfo, withDescendants } from '../procfs.js';
import { ManagedProcess, signalGroup, type ProcessSpec } from './process.js';
import { killRunProcesses } from './reaper.js';
import { readRunRecord, writeRunRecord } from './run-record.js';
import type { Binaries, RunAs } from './system.js';
import { liveClusters, stopInOrder } from '../live.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../errors.js';
import type { Monitoring } from '../../alerts/monitoring.js';
import { monitoringFiles } from '../../alerts/monitoring-setup.js';
import { WebhookReceiver } from '../../alerts/webhook.js';

export interface LocalClusterParts {
  topology: Topology;
  binaries: Binaries;
  runAs: RunAs | undefined;
  keepData: boolean;
}

/**
 * A started local cluster: real etcd, Patroni (PostgreSQL) and HAProxy
 * processes, each in its own process group. Stop is SIGCONT (a frozen node
 * cannot die gracefully), SIGTERM, SIGKILL after a delay, then a sweep of
 * anything else that names the run folder.
 */
export class LocalCluster implements StartedCluster, ProcessControl, Partial<LinkImpairment> {
  readonly provider = 'local';
  readonly members: MemberHandle[];
  readonly etcd: EtcdHandle[];
  readonly endpoints: ClusterEndpoints;
  readonly #procs = new Map<string, ManagedProcess>();
  #dcsInForce: DcsInForce | undefined;
  #versions: Versions = { postgres: null, patroni: null, etcd: null, haproxy: null };
  #stopping: Promise<void> | undefined;
  #monitoring: Monitoring = { missing: 'Prometheus was not started (the cluster did not get that far)' };
  #receiver: WebhookReceiver | undefined;
  /** Set by sweep(): nothing is launched after it, or the new process would outlive the run. */
  #swept = false;
  /** The run's proxied links; undefined in a run without network faults. */
  readonly proxies: ProxiedLinks | undefined;
  /** Only in a proxied run: see hasLinkImpairment. */
  readonly impairLinks: LinkImpairment['impairLinks'] | undefined;

  constructor(readonly parts: LocalClusterParts) {
    const t = parts.topology;
    this.proxies = t.proxied ? proxiedLinks(t) : undefined;
    const proxies = this.proxies;
    this.impairLinks = proxies === undefined ? undefined : (member, kinds, effect, label) => proxies.impairLinks(member, kinds, effect, label);
    this.members = t.members.map((m) => ({ name: m.name, pg: { host: HOST, port: m.pgPort }, restUrl: `http://${HOST}:${m.restPort}`, serverAddress: { host: HOST, port: m.pgPort } }));
    this.etcd = t.etcd.map((e) => ({ name: e.name, clientUrl: `http://${HOST}:${e.clientPort}` }));
    const h = t.haproxy;
    this.endpoints = {
      primary: { host: HOST, port: h.primaryPort },
      replicas: { host: HOST, port: h.replicaPort },
      any: { host: HOST, port: h.anyPort },
      statsUrl: `http://${HOST}:${h.statsPort}/`,
    };
    liveClusters.add(this);
  }

  get topology(): Topology { return this.parts.topology; }
  get runId(): string { return this.topology.runId; }
  get runDir(): string { return this.topology.runDir; }
  get scope(): string { return this.topology.scope; }
  get replication() { return this.topology.replication; }
  get dcs(): Readonly<Record<string, unknown>> { return this.topology.dcs; }
  get credentials() { return this.topology.credentials; }
  get dcsInForce(): DcsInForce | undefined { return this.#dcsInForce; }

  /** The provider's proof that the scenario's settings replaced the boot ones (see scenario-dcs.ts). */
  recordDcsInForce(d: DcsInForce): void {
    this.#dcsInForce = d;
  }
  get versions(): Versions { return this.#versions; }

  /** The components' versions, read while the cluster starts (readComponentVersions). */
  recordVersions(v: Versions): void {
    this.#versions = v;
  }
  /** AlertMonitoring: the run's Prometheus, or why it has none. */
  get monitoring(): Monitoring { return this.#monitoring; }

  /**
   * Prometheus (and Alertmanager, posting to a receiver in the harness)
   * scraping every Patroni and etcd /metrics directly, not through the
   * link proxies: a monitoring host is not on a member's links. Without
   * the packages the run goes on, and its report says the alerts were not evaluated.
   */
  async startMonitoring(say: (m: string) => void): Promise<void> {
    const { prometheus, alertmanager } = this.parts.binaries;
    const t = this.topology;
    const m = t.monitoring;
    if (prometheus === undefined) {
      this.#monitoring = { missing: 'prometheus is not installed on this machine (npm run setup, or apt-get install -y prometheus prometheus-alertmanager)', notInstalled: true };
      say(`not evaluating the documented alerts: ${this.#monitoring.missing}`);
      return;
    }
    try {
      if (alertmanager !== undefined) this.#receiver = await WebhookReceiver.listen(HOST);
      const rulesDir = join(m.dir, 'rules');
      const files = monitoringFiles({
        scope: t.scope, rulesDir,
        patroni: t.members.map((x) => `${HOST}:${x.restPort}`), etcd: t.etcd.map((e) => `${HOST}:${e.clientPort}`),
        ...(this.#receiver === undefined ? {} : { alertmanager: `${HOST}:${m.alertmanagerPort}`, webhookUrl: `http://${HOST}:${this.#receiver.port}/` }),
      });
      mkdirSync(rulesDir, { recursive: true });
      for (const f of files.ruleFiles) writeFileSync(join(rulesDir, f.name), f.text);
      writeFileSync(join(m.dir, 'prometheus.yml'), files.prometheusYml);
      if (files.alertmanagerYml !== undefined && alertmanager !== undefined) {
        writeFileSync(join(m.dir, 'alertmanager.yml'), files.alertmanagerYml);
        this.#launch('alertmanager', {
          name: 'alertmanager', command: alertmanager, logFile: m.alertmanagerLog,
          // No cluster listener: one Alertmanager, and no gossip port to collide with another run's.
          args: [`--config.file=${join(m.dir, 'alertmanager.yml')}`, `--storage.path=${join(m.dir, 'alertmanager')}`, `--web.listen-address=${HOST}:${m.alertmanagerPort}`, '--cluster.listen-address='],
        });
      }
      this.#launch('prometheus', {
        name: 'prometheus', command: prometheus, logFile: m.prometheusLog,
        args: [`--config.file=${join(m.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(m.dir, 'data')}`, `--web.listen-address=${HOST}:${m.prometheusPort}`],
      });
      const receiver = this.#receiver;
      this.#monitoring = {
        prometheusUrl: `http://${HOST}:${m.prometheusPort}`, rules: files.rules, adapted: files.adapted, targets: files.targets,
        ...(receiver === undefined ? {} : { notifications: () => receiver.notifications() }),
      };
      say(`starting Prometheus on ${HOST}:${m.prometheusPort}${receiver === undefined ? ' (no Alertmanager: prometheus-alertmanager is not installed)' : `, Alertmanager on ${HOST}:${m.alertmanagerPort}`}`);
    } catch (err) {
      this.#monitoring = { missing: `Prometheus could not be started: ${errorMessage(err)}` };
      say(`not evaluating the documented alerts: ${this.#monitoring.missing}`);
    }
  }

  links(member: string, kinds: readonly LinkKind[]): string[] {
    return this.proxies?.links(member, kinds) ?? [];
  }

  probeLink(link: string, o: LinkProbeOptions): Promise<LinkProbe> {
    if (this.proxies === undefined) throw new HarnessError('NOT_FOUND', `run ${this.runId} has no proxied links`);
    return this.proxies.probeLink(link, o);
  }

  logFiles(): Record<string, string> {
    const t = this.topology;
    return Object.fromEntries([
      ...t.etcd.map((e) => [e.name, e.logFile]),
      ...t.members.map((m) => [m.name, m.logFile]),
      ['haproxy', t.haproxy.logFile],
      ...(t.proxied ? [['toxiproxy', t.network.logFile]] : []),
      ...(this.#procs.has('prometheus') ? [['prometheus', t.monitoring.prometheusLog]] : []),
      ...(this.#procs.has('alertmanager') ? [['alertmanager', t.monitoring.alertmanagerLog]] : []),
    ]);
  }

  /** Processes that exited although nobody stopped them, for health diagnostics. */
  exitedUnexpectedly(): { key: string; logFile: string }[] {
    return [...this.#procs.entries()].filter(([, p]) => !p.running).map(([key, p]) => ({ key, logFile: p.spec.logFile }));
  }

  startEtcd(name: string): void {
    const e = this.#etcdSpec(name);
    this.#launch(`etcd:${name}`, { name, command: this.parts.binaries.etcd, args: renderEtcdArgs(this.topology, e), logFile: e.logFile });
  }

  /** The file whose existence lets a started Patroni run (patroni-launch.ts). */
  get patroniGate(): string {
    return join(this.runDir, 'patroni-gate');
  }

  /** Whether startPatroni's processes wait for openPatroniGate before Patroni runs, so that they can be started before etcd. */
  get patroniWaitsForGate(): boolean {
    return patroniLaunch(this.parts.binaries.patroni, '', this.patroniGate).gated;
  }

  openPatroniGate(): void {
    writeFileSync(this.patroniGate, '');
  }

  startPatroni(name: string): void {
    const m = this.#memberSpec(name);
    const runAs = this.parts.runAs;
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: runAs?.home ?? process.env['HOME'] };
    const { command, args } = patroniLaunch(this.parts.binaries.patroni, m.configFile, this.patroniGate);
    this.#launch(`patroni:${name}`, {
      name, command, args, logFile: m.logFile, cwd: m.dir, env,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
  }

  startProxy(): void {
    this.#launch('toxiproxy', proxyProcessSpec(this.topology));
  }

  startHaproxy(): void {
    const h = this.topology.haproxy;
    this.#launch('haproxy', { name: 'haproxy', command: this.parts.binaries.haproxy, args: ['-db', '-f', h.configFile], logFile: h.logFile });
  }

  async pid(component: Component, name: string): Promise<number | undefined> {
    if (component === 'postgres') return postmasterPid(this.#memberSpec(name).dataDir);
    if (component === 'replication') return this.#replicationPids(name)[0];
    const p = this.#procs.get(`${component}:${name}`);
    return p?.running ? p.pid : undefined;
  }

  async signal(component: Component, name: string, sig: NodeJS.Signals): Promise<boolean> {
    const pid = await this.pid(component, name);
    if (pid === undefined) return false;
    if (component === 'patroni' || component === 'etcd') return signalGroup(pid, sig);
    // Every PostgreSQL child calls setsid(): the postmaster's group does not hold its backends.
    const targets = component === 'replication' ? this.#replicationPids(name) : withDescendants([pid]);
    for (const p of targets) {
      try {
        process.kill(p, sig);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    return procInfo(pid) !== undefined || sig === 'SIGKILL';
  }

  async restart(component: 'patroni' | 'etcd', name: string): Promise<void> {
    const key = `${component}:${name}`;
    const old = this.#procs.get(key);
    if (old?.running) {
      old.signal('SIGCONT');
      await old.stop(10_000);
    }
    if (component === 'patroni') this.startPatroni(name);
    else this.startEtcd(name);
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #stop(): Promise<void> {
    const t = this.topology;
    return stopInOrder(`stopping local run ${this.runId}`, [
      async () => {
        for (const p of this.#procs.values()) p.signal('SIGCONT');
        // The data is thrown away (or kept crash-consistent for inspection), so a graceful
        // Patroni shutdown buys nothing; Patroni 3.0 can also linger for many seconds after
        // PostgreSQL is down. PostgreSQL goes first so Patroni cannot restart it.
        for (const m of t.members) await this.signal('postgres', m.name, 'SIGKILL');
        await this.#stopKind('patroni:', 0);
        await Promise.all([this.#stopKind('haproxy', 1_000), this.#stopKind('etcd:', 1_000), this.#stopKind('toxiproxy', 1_000), this.#stopKind('prometheus', 1_000), this.#stopKind('alertmanager', 1_000)]);
      },
      // The harness's receiver Alertmanager posts to: a server of this process, not named by the run folder.
      async () => { await this.#receiver?.close(); },
      async () => {
        if (this.proxies === undefined || !t.network.externalApi) return;
        const left = await this.proxies.remove();
        // An external Toxiproxy outlives the run: say what could not be removed from it.
        if (left.length > 0) process.stderr.write(`patroni-chaos: could not delete proxies ${left.join(', ')} from ${t.network.externalApi}\n`);
      },
      // Even when a part before it threw: its error comes after.
      () => this.sweep(),
    ]);
  }

  /**
   * Whatever still names the run folder (every component, and a postmaster
   * orphaned by a killed Patroni) is killed, the data goes (unless kept),
   * and the run's record says stopped.
   */
  async sweep(): Promise<void> {
    const t = this.topology;
    this.#swept = true;
    await killRunProcesses(t.runDir);
    if (!this.parts.keepData) removeRunData(t);
    const record = readRunRecord(t.runDir);
    if (record) writeRunRecord({ ...record, state: 'stopped' });
    liveClusters.delete(this);
  }

  async #stopKind(prefix: string, graceMs: number): Promise<void> {
    const procs = [...this.#procs.entries()].filter(([k]) => k.startsWith(prefix)).map(([, p]) => p);
    await Promise.all(procs.map((p) => p.stop(graceMs)));
  }

  #launch(key: string, spec: ProcessSpec): void {
    if (this.#stopping || this.#swept) throw new HarnessError('INTERRUPTED', `cluster ${this.runId} is stopping; not starting ${key}`);
    const existing = this.#procs.get(key);
    if (existing?.running) throw new HarnessError('INTERNAL', `${key} is already running (pid ${existing.pid})`);
    this.#procs.set(key, ManagedProcess.start(spec));
  }

  /** The walsender and walreceiver processes of a member's PostgreSQL. */
  #replicationPids(name: string): number[] {
    const postmaster = postmasterPid(this.#memberSpec(name).dataDir);
    if (postmaster === undefined) return [];
    return withDescendants([postmaster]).filter((p) => /\bwal(sender|receiver)\b/.test(procInfo(p)?.cmdline ?? ''));
  }

  #memberSpec(name: string) {
    const m = this.topology.members.find((x) => x.name === name);
    if (!m) throw new HarnessError('NOT_FOUND', `no member named ${name}`);
    return m;
  }

  #etcdSpec(name: string) {
    const e = this.topology.etcd.find((x) => x.name === name);
    if (!e) throw new HarnessError('NOT_FOUND', `no etcd member named ${name}`);
    return e;
  }
}
