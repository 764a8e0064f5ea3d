/**
 * A cluster the harness did not start, attached through a cluster file.
 * It is someone's staging cluster: every fault it lets through is undone
 * on stop (also on Ctrl-C), its only writes go to the harness's own schema
 * (dropped on stop), and stop says loudly when the cluster is left less
 * healthy than it was found.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRoot } from '../run-root.js';
import { request } from 'undici';
import { HarnessError, errorMessage } from '../../errors.js';
import type { Replication } from '../../sla/types.js';
import { DROP_SCHEMA_SQL, dropOwnSchema, SCHEMA } from '../../workload/schema.js';
import { Container } from '../docker/container.js';
import { lossyPaths, percent } from '../docker/loss.js';
import { probedCut, type ProbeTarget } from '../docker/partition.js';
import { liveClusters } from '../live.js';
import { getCluster, getConfig, getPatroni, pgVersion } from '../patroni-api.js';
import { withSql } from '../sql.js';
import type {
  ClientCredentials, ClusterEndpoints, CommandExec, CommandResult, Component, Cut, EtcdHandle, HostControl, LinkCut, LinkKind, LinkLoss, Loss, MemberHandle, ProcessControl, StartedCluster, Versions,
} from '../types.js';
import { healthy } from '../wait/healthy.js';
import { pollUntil } from '../wait/poll.js';
import type { ClusterFile } from './cluster-file.js';

export interface AttachOptions {
  /** The replication mode the scenario expects; the cluster's own must match. */
  replication: Replication;
  /** How long the cluster may take to be found healthy before anything is done. */
  startTimeoutMs: number;
  onProgress?: (m: string) => void;
}

export class ExternalCluster implements StartedCluster, ProcessControl, HostControl, LinkCut, LinkLoss, CommandExec {
  readonly provider = 'external';
  readonly runId: string;
  readonly runDir: string;
  readonly scope: string;
  readonly namespace: string;
  readonly etcd: EtcdHandle[];
  readonly endpoints: ClusterEndpoints;
  readonly credentials: ClientCredentials;
  versions: Versions = { postgres: null, patroni: null, etcd: null, haproxy: null };
  members: MemberHandle[] = [];
  replication: Replication = 'synchronous';
  dcs: Readonly<Record<string, unknown>> = {};
  /** What stop() must undo if the runner did not: killed hosts, frozen hosts, cut links. */
  readonly #undo = new Map<string, () => Promise<void>>();
  readonly #attachedAt = new Date().toISOString();
  #stopped: Promise<void> | undefined;

  constructor(readonly file: ClusterFile) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    this.runId = `${stamp}-${randomBytes(2).toString('hex')}`;
    this.runDir = join(runRoot(), this.runId);
    this.scope = file.scope;
    this.namespace = file.namespace;
    this.etcd = file.etcd.map((e) => ({ name: e.name, clientUrl: e.clientUrl }));
    const h = file.haproxy;
    this.endpoints = { primary: h.primary, replicas: h.replicas, any: h.any, statsUrl: h.statsUrl ?? '' };
    // The REST login is only needed by switchover and failover; without one Patroni must not ask for it.
    this.credentials = { superuser: file.superuser, rest: file.rest ?? { username: '', password: '' } };
    liveClusters.add(this);
  }

  /** The container of a member, etcd member or HAProxy, on its daemon; a fault needs one. */
  box(name: string): Container {
    const f = this.file;
    const n = name === 'haproxy' ? f.haproxy : (f.members.find((m) => m.name === name) ?? f.etcd.find((e) => e.name === name));
    if (n?.container === undefined) throw new HarnessError('FAULT_FAILED', `${f.file} names no container for ${name}: faults cannot reach it`);
    return new Container(n.container, n.docker);
  }

  execIn(name: string, argv: readonly string[], o: { timeoutMs: number }): Promise<CommandResult> {
    return this.box(name).exec(argv, o);
  }

  logFiles(): Record<string, string> {
    const named = ['haproxy', ...this.file.members.map((m) => m.name), ...this.file.etcd.map((e) => e.name)].filter((n) => {
      try { this.box(n); return true; } catch { return false; }
    });
    return Object.fromEntries(named.map((n) => [n, join(this.runDir, 'logs', `${n}.log`)]));
  }

  // HostControl: each undo is registered before the fault and removed by its cure.
  async killHost(name: string): Promise<void> {
    this.#undo.set(`host:${name}`, () => this.box(name).restart());
    await this.box(name).kill();
  }

  async startHost(name: string): Promise<void> {
    await this.box(name).restart();
    this.#undo.delete(`host:${name}`);
  }

  async freezeHost(name: string): Promise<void> {
    this.#undo.set(`host:${name}`, () => this.box(name).unpause());
    await this.box(name).pause();
  }

  async thawHost(name: string): Promise<void> {
    await this.box(name).unpause();
    this.#undo.delete(`host:${name}`);
  }

  // ProcessControl, per container (Patroni and etcd are taken to be their containers' PID 1).
  signal(component: Component, name: string, sig: NodeJS.Signals): Promise<boolean> {
    // A signal that ends PID 1 ends the container: start it again if the run is cut short before its cure.
    if ((component === 'patroni' || component === 'etcd') && (sig === 'SIGTERM' || sig === 'SIGKILL')) {
      this.#undo.set(`host:${name}`, () => this.box(name).restart());
    }
    return this.box(name).signal(component, sig);
  }

  async restart(_component: 'patroni' | 'etcd', name: string): Promise<void> {
    await this.box(name).restart();
    this.#undo.delete(`host:${name}`);
  }

  pid(component: Component, name: string): Promise<number | undefined> {
    return this.box(name).pid(component);
  }

  /** The containers at the other end of a member's links of one kind. */
  #peers(member: string, kind: LinkKind): string[] {
    if (!this.file.members.some((m) => m.name === member)) throw new HarnessError('FAULT_FAILED', `${member} is not a member of ${this.file.file}`);
    if (kind === 'dcs') return this.file.etcd.map((e) => e.name);
    if (kind === 'peer') return this.file.members.filter((m) => m.name !== member).map((m) => m.name);
    return ['haproxy'];
  }

  /** A port each container answers on: PostgreSQL's for members, etcd's client port; any other port refuses, which proves a path as well. */
  #probePort(name: string): number {
    const m = this.members.find((x) => x.name === name);
    if (m !== undefined) return m.serverAddress.port;
    return this.file.etcd.some((e) => e.name === name) ? 2379 : 9;
  }

  /** The containers as the partition probes reach them, by their addresses on their networks. */
  async #target(names: readonly string[]): Promise<ProbeTarget> {
    const ips = new Map<string, string>();
    for (const n of names) {
      const [ip] = await this.box(n).ips();
      if (ip === undefined) throw new HarnessError('FAULT_FAILED', `container of ${n} has no network address`);
      ips.set(n, ip);
    }
    return {
      ip: (n) => ips.get(n) as string,
      iptables: (n, args) => this.box(n).iptables(args),
      exec: (n, argv, timeoutMs) => this.box(n).exec(argv, { timeoutMs }),
      state: (n) => this.box(n).state(),
      probePort: (n) => this.#probePort(n),
    };
  }

  /**
   * Rules that stop() removes even if the run is cut short mid-way: the undo
   * is registered before any rule goes in, and stays until a cure removed
   * every rule (one left in a paused container is retried on stop).
   */
  async #undoable<T extends { cure: () => Promise<R> }, R>(key: string, apply: () => Promise<T>): Promise<T> {
    let applied: T | undefined;
    this.#undo.set(key, async () => { await applied?.cure(); });
    try {
      applied = await apply();
    } catch (err) {
      this.#undo.delete(key);
      throw err;
    }
    const { cure } = applied;
    return { ...applied, cure: async () => { const after = await cure(); this.#undo.delete(key); return after; } };
  }

  async cutLinks(member: string, kinds: readonly LinkKind[]): Promise<Cut> {
    const others = [...new Set(kinds.flatMap((k) => this.#peers(member, k)))];
    const target = await this.#target([member, ...others]);
    return this.#undoable(`links:${member}:${kinds.join(',')}:${Date.now()}`,
      () => probedCut(target, () => `pc-${this.runId}`, others.map((o) => ({ from: member, to: o })), `${member}: iptables DROP both ways with ${others.join(', ')}`));
  }

  async loseLinks(member: string, kinds: readonly LinkKind[], probability: number): Promise<Loss> {
    const others = [...new Set(kinds.flatMap((k) => this.#peers(member, k)))];
    const target = await this.#target([member, ...others]);
    return this.#undoable(`loss:${member}:${kinds.join(',')}:${Date.now()}`,
      () => lossyPaths(target, `pl-${this.runId}`, member, others, probability, `${member}: iptables DROP of ${percent(probability)} of the packets both ways with ${others.join(', ')}`));
  }

  /**
   * Checks that the cluster is the one the file and the command line name,
   * that it is healthy, and reads its settings and versions. Changes nothing.
   */
  async attach(o: AttachOptions): Promise<void> {
    const say = o.onProgress ?? (() => undefined);
    const f = this.file;
    say(`attaching to ${f.scope} (${f.file}): ${f.members.map((m) => m.name).join(', ')}`);
    for (const n of [...f.members.map((m) => m.name), ...f.etcd.map((e) => e.name), 'haproxy']) {
      let box: Container | undefined;
      try { box = this.box(n); } catch { continue; }
      await box.require();
    }
    const answers = await Promise.all(f.members.map(async (m) => ({ m, s: await getPatroni(m.restUrl, 3000).catch((e: unknown) => errorMessage(e)) })));
    for (const { m, s } of answers) {
      if (typeof s === 'string') throw new HarnessError('CLUSTER_UNHEALTHY', `${m.name}: Patroni REST ${m.restUrl} does not answer (${s}): refusing to touch a cluster not wholly seen`);
      if (s.patroni?.scope !== f.scope) throw new HarnessError('CLUSTER_UNHEALTHY', `${m.name}: Patroni at ${m.restUrl} reports scope "${s.patroni?.scope ?? '?'}", not "${f.scope}" (the scope confirmed): refusing`);
    }
    const first = f.members[0]?.restUrl as string;
    const view = await getCluster(first, 3000);
    const seen = view.members.map((m) => m.name).sort();
    const named = f.members.map((m) => m.name).sort();
    if (seen.join() !== named.join()) throw new HarnessError('CLUSTER_UNHEALTHY', `Patroni's members are ${seen.join(', ')}; ${f.file} names ${named.join(', ')}: refusing`);
    this.members = f.members.map((m) => {
      const v = view.members.find((x) => x.name === m.name);
      return { name: m.name, pg: m.postgres, restUrl: m.restUrl, serverAddress: { host: v?.host ?? m.postgres.host, port: v?.port ?? m.postgres.port } };
    });
    this.dcs = await getConfig(first, 3000);
    // `quorum` (Patroni >= 4.0) is synchronous replication too, with voters instead of one sync standby.
    this.replication = this.dcs['synchronous_mode'] === true || this.dcs['synchronous_mode'] === 'quorum' ? 'synchronous' : 'asynchronous';
    if (this.replication !== o.replication) {
      throw new HarnessError('CLUSTER_UNHEALTHY', `the scenario expects ${o.replication} replication; ${f.scope} runs ${this.replication} (synchronous_mode ${String(this.dcs['synchronous_mode'] ?? false)}): set cluster.replication to match`);
    }
    await pollUntil(() => healthy(this), { timeoutMs: o.startTimeoutMs, intervalMs: 1000, what: `${f.scope} healthy before any fault (1 leader, every replica streaming)` });
    await this.#readVersions(answers.map((a) => a.s).filter((s) => typeof s !== 'string'));
    say(`${f.scope} is healthy (patroni ${this.versions.patroni}, postgres ${this.versions.postgres}, etcd ${this.versions.etcd}); its own settings are in force: ttl ${String(this.dcs['ttl'])}, loop_wait ${String(this.dcs['loop_wait'])}, retry_timeout ${String(this.dcs['retry_timeout'])}`);
  }

  async #readVersions(statuses: readonly { server_version?: number; patroni?: { version: string } }[]): Promise<void> {
    const s = statuses[0];
    const etcd = await request(`${this.file.etcd[0]?.clientUrl}/version`, { headersTimeout: 3000, bodyTimeout: 3000 })
      .then(async (r) => ((await r.body.json()) as { etcdserver?: string }).etcdserver ?? null, () => null);
    let haproxy: string | null = null;
    try {
      const r = await this.box('haproxy').exec(['haproxy', '-v'], { timeoutMs: 15_000 });
      haproxy = /version (\S+)/.exec(r.stdout)?.[1] ?? null;
    } catch {
      haproxy = null; // no container named: the version stays unknown, and known findings on it never apply
    }
    this.versions = { postgres: pgVersion(s?.server_version), patroni: s?.patroni?.version ?? null, etcd, haproxy };
  }

  /**
   * Undoes every fault still in force, drops the harness's schema, collects
   * the named containers' logs since the attach, and checks that the cluster
   * is healthy again; says loudly on stderr what it could not restore.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const problems = await this.#undoAll();
      if (this.members.length > 0) {
        // Only the schema this run created (its comment holds the run id): another run's is left alone.
        await pollUntil(async () => withSql(this.endpoints.primary, this.credentials, async (c) => { await dropOwnSchema(c, this.runId); return true as const; }, { timeoutMs: 10_000 })
          .catch((e: unknown) => `drop failed: ${errorMessage(e)}`), { timeoutMs: 60_000, intervalMs: 2000, what: `dropping schema ${SCHEMA}` })
          .catch((e: unknown) => problems.push(`${errorMessage(e)}; drop it by hand: ${DROP_SCHEMA_SQL}`));
      }
      if (this.members.length > 0) {
        await pollUntil(() => healthy(this), { timeoutMs: 120_000, intervalMs: 2000, what: `${this.scope} healthy again` })
          .catch((e: unknown) => problems.push(errorMessage(e)));
      }
      mkdirSync(join(this.runDir, 'logs'), { recursive: true });
      await Promise.all(Object.keys(this.logFiles()).map(async (n) => {
        const text = await this.box(n).timestampedLogs(this.#attachedAt).catch(() => undefined);
        if (text !== undefined) writeFileSync(join(this.runDir, 'logs', `${n}.log`), text);
      }));
      liveClusters.delete(this);
      this.#warn(problems);
    })();
    return this.#stopped;
  }

  /** The faults still in force undone (all the run made on a cluster it did not start), and nothing else. */
  async sweep(): Promise<void> {
    this.#warn(await this.#undoAll());
  }

  /** Undoes every fault still in force; returns what could not be undone. */
  async #undoAll(): Promise<string[]> {
    const problems: string[] = [];
    // Twice: a rule in a container another fault froze can only go once that container is thawed.
    for (const pass of [1, 2]) {
      for (const [key, undo] of [...this.#undo].reverse()) {
        await undo().then(() => this.#undo.delete(key), (e: unknown) => { if (pass === 2) problems.push(`undoing ${key}: ${errorMessage(e)}`); });
      }
    }
    return problems;
  }

  #warn(problems: readonly string[]): void {
    if (problems.length === 0) return;
    process.stderr.write(`\npatroni-chaos: WARNING: cluster ${this.scope} is NOT left as it was found:\n${problems.map((p) => `  - ${p}`).join('\n')}\n\n`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
