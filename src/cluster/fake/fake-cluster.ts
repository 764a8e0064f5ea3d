/**
 * An in-memory cluster behind the provider interface, for the runner's unit
 * tests: members that can be killed, frozen and restarted (ProcessControl),
 * a leader key that moves when the leader has been gone long enough, and
 * the client, observers and inspections that read it (HarnessParts). Its
 * knobs script the misbehaviours a gate must catch: a failover that never
 * comes, a cure that fails, rows that diverge, no leader at the end.
 * Nothing here is used outside tests.
 */
import { newCredentials } from '../credentials.js';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { ToxiproxyServer } from '../../proxy/index.js';
import { probeTcp } from '../link-probe.js';
import { ProxiedLinks } from '../proxied-links.js';
import type { Cut, CutPath, Endpoint, HostPartition, LinkCure, LinkCut, LinkEffect, LinkImpairment, LinkKind, LinkProbe, Reach, Versions } from '../types.js';
import type { ClusterProvider, CommandExec, CommandResult, Component, ProcessControl, StartedCluster } from '../types.js';
import type { MemberSnapshot } from '../../history/events.js';
import { now } from '../../history/clock.js';
import type { HarnessParts, Lifecycle, WorkloadHandle } from '../../runner/parts.js';
import type { Replication } from '../../sla/types.js';

export interface FakeBehaviour {
  /** How long after the leader dies or freezes a replica takes the key; null: never. */
  failoverAfterMs: number | null;
  /** The components' log files, by name (m1, etcd1...), copied into the report at stop; none by default. */
  logFiles?: Record<string, string>;
  /** The restart a heal runs throws. */
  restartFails?: boolean;
  /** This member comes back from a restart a row short and receives no more: the row sets differ at the end. */
  divergesAfterRestart?: string;
  /** Nobody holds the leader key once the first fault is healed. */
  leaderlessAfterHeal?: boolean;
  /** The final read finds this key that no write attempted. */
  phantomKey?: number;
  /** Every probe of this member fails. */
  unobservable?: string;
  /** Links cut (LinkCut, HostPartition) drop nothing: probes across them still answer, as a rule on the wrong address. */
  cutsDropNothing?: boolean;
  /** A cure reports success but the paths it cut stay silent, as rules left in a frozen container. */
  cutsOutliveCure?: boolean;
  /** The probes before a cut take this long, as `docker exec` probes do: the fault must still be timed from the cut. */
  cutProbeMs?: number;
  /**
   * Links carried by a real in-process proxy (NetworkControl), each in front
   * of an upstream that answers a line. `toxicsMissTraffic`: probes go
   * around the proxy, as traffic that does not cross the link poisoned.
   */
  proxied?: { toxicsMissTraffic?: boolean };
  /**
   * The old leader goes on acknowledging writes through the endpoint this
   * long after a replica took the key, on its old timeline (a fenced primary
   * HAProxy still routes to). The keys reach the members as any write's do:
   * this is about who acknowledges, not about loss.
   */
  staleAcksMs?: number;
  /** This member has no WAL sender or receiver: signalling its replication processes reaches nothing. */
  noReplicationProcess?: string;
  /** `patronictl reinit` answers as Patroni's ctl does on a 503: "Failed: ..." on stdout, exit 0, nothing re-created. */
  reinitRefused?: boolean;
  /** A command that rebuilds etcd leaves it in the cluster it was (the data was not wiped). */
  etcdRebuildKeepsCluster?: boolean;
  /** A rebuild with another cluster token: a new cluster id too (by default the id stays, as etcd derives it from the peer URLs and the token). */
  etcdRebuildNewToken?: boolean;
}

class Node {
  up = true;
  frozen = false;
  timeline = 1;
  restarted = false;
  /** Times its data directory was re-created (reinit). */
  recreated = 0;
  /** Starts after the first: a restarted member's processes have new PIDs. */
  starts = 0;
  readonly keys = new Set<number>();
  constructor(readonly name: string) {}
  get answering(): boolean { return this.up && !this.frozen; }
}

/** An upstream that answers "ok" once it has read a whole line, so a padded probe waits for every byte. */
function lineAnswerer(): Promise<{ server: Server; sockets: Set<Socket>; port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (d: Buffer) => { if (d.includes(10)) socket.end('ok\n'); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, sockets, port: (server.address() as { port: number }).port })));
}

const LINK_KINDS: readonly LinkKind[] = ['dcs', 'peer', 'client'];

/** The fake's links: one proxy per member and kind, all in front of one line answerer. */
class FakeLinks {
  /** The shared driver of proxied links, as the real providers use it. */
  readonly driver: ProxiedLinks;
  constructor(readonly api: ToxiproxyServer, readonly upstream: Awaited<ReturnType<typeof lineAnswerer>>, readonly listen: ReadonlyMap<string, Endpoint>) {
    this.driver = new ProxiedLinks(api.url, [...listen].map(([name, at]) => {
      const [member = '', kind = ''] = name.split('-');
      return { name, member, kind: kind as LinkKind, listen: `${at.host}:${at.port}`, upstream: `127.0.0.1:${upstream.port}`, probe: at, speaks: 'etcd' };
    }));
  }

  static async start(members: readonly string[]): Promise<FakeLinks> {
    const api = new ToxiproxyServer({ host: '127.0.0.1', port: 0 });
    const upstream = await lineAnswerer();
    const tp = new Toxiproxy(await api.start());
    const listen = new Map<string, Endpoint>();
    for (const m of members) {
      for (const k of LINK_KINDS) {
        const p = await tp.createProxy({ name: `${m}-${k}`, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}` });
        const [host, port] = p.listen.split(':');
        listen.set(p.name, { host: host as string, port: Number(port) });
      }
    }
    return new FakeLinks(api, upstream, listen);
  }

  async stop(): Promise<void> {
    await this.api.stop();
    for (const s of this.upstream.sockets) s.destroy();
    await new Promise((r) => this.upstream.server.close(r));
  }
}

export class FakeCluster implements StartedCluster, ProcessControl, CommandExec, LinkCut, HostPartition, Partial<LinkImpairment> {
  readonly provider = 'fake';
  readonly runId = 'fake-run';
  readonly runDir = '/nonexistent/fake-run';
  readonly scope = 'fake';
  readonly dcs: Readonly<Record<string, unknown>> = { ttl: 1, loop_wait: 1 };
  readonly etcd = [];
  readonly endpoints = { primary: { host: 'fake', port: 1 }, replicas: { host: 'fake', port: 2 }, any: { host: 'fake', port: 3 }, statsUrl: 'http://fake' };
  readonly credentials = newCredentials();
  readonly versions: Versions = { postgres: '15.0', patroni: '3.0.2', etcd: '3.4.23', haproxy: '2.6.12' };
  readonly nodes = [new Node('m1'), new Node('m2'), new Node('m3')];
  readonly members = this.nodes.map((n, i) => ({ name: n.name, pg: { host: 'fake', port: 10 + i }, restUrl: `http://fake/${n.name}`, serverAddress: { host: 'fake', port: 10 + i } }));
  leader: string | null = 'm1';
  /** The etcd cluster id its (notional) etcd members report. */
  etcdClusterId = 'cdf818194e3a8c32';
  /** The etcd store's revision: a rebuild starts it again (the cluster id stays with the same peer URLs and token). */
  etcdRevision = 5000;
  revision = 1;
  healed = false;
  /** The old leader still acknowledging after a failover, and until when. */
  #stale: { node: Node; timeline: number; until: number } | undefined;
  /** Every signal sent to a member's WAL streaming processes: "SIGSTOP m2". */
  readonly replicationSignals: string[] = [];
  /** Every command exec steps ran: [member, argv]. */
  readonly commands: Array<[string, readonly string[]]> = [];
  /** Host N is member mN. */
  readonly hosts = this.nodes.map((_, i) => `host${i + 1}`);
  /** Paths the fake's rules drop now, as "from>to" (both directions listed for a two-way cut). */
  readonly dropped = new Set<string>();
  #links: FakeLinks | undefined;
  #timers = new Set<NodeJS.Timeout>();

  constructor(readonly replication: Replication, readonly behaviour: FakeBehaviour) {}

  /** Starts the in-process proxy when the behaviour asks for proxied links. */
  async startLinks(): Promise<void> {
    if (this.behaviour.proxied !== undefined) this.#links = await FakeLinks.start(this.nodes.map((n) => n.name));
  }

  /** The proxy's API, when the links are proxied (see FakeBehaviour.proxied). */
  get toxiproxyUrl(): string | undefined {
    return this.#links?.api.url;
  }

  /** Set only when the links are proxied: see hasLinkImpairment. */
  get impairLinks(): LinkImpairment['impairLinks'] | undefined {
    const links = this.#links;
    return links === undefined ? undefined : (member: string, kinds: readonly LinkKind[], effect: LinkEffect, label: string): Promise<LinkCure> => links.driver.impairLinks(member, kinds, effect, label);
  }

  links(member: string, kinds: readonly LinkKind[]): string[] {
    return kinds.filter((k) => this.#links?.listen.has(`${member}-${k}`) === true).map((k) => `${member}-${k}`);
  }

  async probeLink(link: string, o: { timeoutMs: number; padBytes?: number }): Promise<LinkProbe> {
    const at = this.#links?.listen.get(link);
    if (at === undefined || this.#links === undefined) throw new Error(`no proxied link ${link}`);
    const to = this.behaviour.proxied?.toxicsMissTraffic === true ? { host: '127.0.0.1', port: this.#links.upstream.port } : at;
    return probeTcp(to, Buffer.from(`${'x'.repeat(o.padBytes ?? 0)}\n`), o.timeoutMs);
  }

  /** What a probe across a path sees: silence while a rule drops either direction (TCP needs both). */
  #reach(p: CutPath): Reach {
    const cut = this.dropped.has(`${p.from}>${p.to}`) || this.dropped.has(`${p.to}>${p.from}`);
    return cut ? { kind: 'silent', ms: 1000 } : { kind: 'answered', ms: 1 };
  }

  /** Rules in memory; the behaviour's knobs make them drop nothing, or outlive their cure. */
  async #cut(paths: readonly (CutPath & { oneWay?: boolean })[], detail: string): Promise<Cut> {
    const before = paths.map((p) => this.#reach(p));
    if (this.behaviour.cutProbeMs !== undefined) await new Promise((r) => setTimeout(r, this.behaviour.cutProbeMs));
    const from = now();
    const keys = paths.flatMap((p) => [`${p.from}>${p.to}`, ...(p.oneWay === true ? [] : [`${p.to}>${p.from}`])]);
    if (this.behaviour.cutsDropNothing !== true) keys.forEach((k) => this.dropped.add(k));
    return {
      detail,
      span: { from, to: now() },
      probes: paths.map((p, i) => ({ ...p, before: before[i] as Reach, during: this.#reach(p) })),
      cure: async () => {
        if (this.behaviour.cutsOutliveCure !== true) keys.forEach((k) => this.dropped.delete(k));
        return paths.map((p) => ({ from: p.from, to: p.to, after: this.#reach(p) }));
      },
    };
  }

  async cutLinks(member: string, kinds: readonly LinkKind[]): Promise<Cut> {
    this.node(member);
    const others = kinds.flatMap((k) => (k === 'dcs' ? ['etcd'] : k === 'client' ? ['haproxy'] : this.nodes.filter((n) => n.name !== member).map((n) => n.name)));
    return this.#cut(others.map((o) => ({ from: member, to: o })), `${member}: dropped both ways with ${others.join(', ')}`);
  }

  async grudge(drops: ReadonlyMap<string, readonly string[]>): Promise<Cut> {
    const member = (host: string) => this.nodes[this.hosts.indexOf(host)]?.name ?? host;
    const paths = [...drops].flatMap(([host, from]) => from.map((f) => ({ from: member(f), to: member(host), oneWay: true })));
    return this.#cut(paths, `dropped ${paths.length} one-way path(s)`);
  }

  node(name: string): Node {
    const n = this.nodes.find((x) => x.name === name);
    if (n === undefined) throw new Error(`no member ${name}`);
    return n;
  }

  async signal(component: Component, name: string, sig: NodeJS.Signals): Promise<boolean> {
    const n = this.node(name);
    if (component === 'replication') {
      this.replicationSignals.push(`${sig} ${name}`);
      return n.up && this.behaviour.noReplicationProcess !== name;
    }
    if (sig === 'SIGKILL' || sig === 'SIGTERM') n.up = false;
    else if (sig === 'SIGSTOP') n.frozen = true;
    else if (sig === 'SIGCONT') n.frozen = false;
    if (name === this.leader && !n.answering && this.behaviour.failoverAfterMs !== null) this.#later(this.behaviour.failoverAfterMs, () => this.#failover(name));
    return true;
  }

  async restart(_component: 'patroni' | 'etcd', name: string): Promise<void> {
    if (this.behaviour.restartFails === true) throw new Error(`${name}: patroni did not come back`);
    const n = this.node(name);
    const leader = this.leader === null ? undefined : this.node(this.leader);
    n.up = true;
    n.restarted = true;
    n.starts += 1;
    n.timeline = leader?.timeline ?? n.timeline;
    n.keys.clear();
    leader?.keys.forEach((k) => n.keys.add(k));
    // A divergent member comes back one row short, like a rewind that missed a commit; counts could still agree later.
    if (this.behaviour.divergesAfterRestart === name) n.keys.delete(Math.max(...n.keys));
    this.healed = true;
    if (this.behaviour.leaderlessAfterHeal === true) this.#setLeader(null);
  }

  async pid(_component: Component, name: string): Promise<number | undefined> {
    const n = this.node(name);
    return n.up ? 1000 + 100 * this.nodes.indexOf(n) + n.starts : undefined;
  }

  /**
   * An operator's command, understood just enough for the runner's tests:
   * one that says `failover` makes the member it runs in the leader on a
   * new timeline (as `patronictl failover --candidate` would), one that
   * says `exit N` exits N, one that says `hang` runs out its timeout, one that says `reinit` re-creates
   * the member (or prints Patroni's "Failed:" and exits 0), one that says `etcd-rebuild` gives etcd a new
   * cluster id, and anything else exits 0.
   */
  async execIn(name: string, argv: readonly string[]): Promise<CommandResult> {
    this.commands.push([name, argv]);
    // A frozen member is the docker provider's paused container: the daemon refuses the exec (409).
    if (this.nodes.find((x) => x.name === name)?.frozen === true) return { code: 1, stdout: '', stderr: `Error response from daemon: Container ${name} is paused, unpause the container before exec`, noExit: 'paused' };
    const text = argv.join(' ');
    // `hang` runs until coreutils' timeout ends it with 124; the runner passes `timeout -k 5 <seconds> ...`.
    if (/\bhang\b/.test(text)) {
      const seconds = argv[0] === 'timeout' ? Number(argv[3]) : 1;
      // A few ms short, as a real timer may end on the harness's clock: the runner must still call it a timeout.
      await new Promise((r) => setTimeout(r, seconds * 1000 - 10));
      return { code: 124, stdout: '', stderr: '' };
    }
    const exit = /\bexit (\d+)/.exec(text);
    if (exit !== null) return { code: Number(exit[1]), stdout: '', stderr: `${name}: told to exit ${exit[1]}` };
    if (/\breinit\b/.test(text)) {
      if (this.behaviour.reinitRefused === true) return { code: 0, stdout: `Failed: reinitialize for member ${name}, status code=503, (cluster doesn't have a leader)\n`, stderr: '' };
      this.node(name).recreated += 1;
      return { code: 0, stdout: `Success: reinitialize for member ${name}\n`, stderr: '' };
    }
    if (/\betcd-rebuild\b/.test(text)) {
      if (this.behaviour.etcdRebuildKeepsCluster !== true) {
        this.etcdRevision = 3;
        if (this.behaviour.etcdRebuildNewToken === true) this.etcdClusterId = 'a1b2c3d4e5f60718';
      }
      return { code: 0, stdout: '', stderr: '' };
    }
    if (/\bfailover\b/.test(text)) {
      const timeline = Math.max(...this.nodes.map((n) => n.timeline)) + 1;
      for (const n of this.nodes) n.timeline = timeline;
      this.#setLeader(name);
      return { code: 0, stdout: `Successfully failed over to "${name}"`, stderr: '' };
    }
    return { code: 0, stdout: '', stderr: '' };
  }

  /** A write through the primary endpoint: the leader commits it and sync replicas receive it. */
  write(key: number): { node: string; timeline: number } {
    const leader = this.leader === null ? undefined : this.node(this.leader);
    const stale = this.#stale !== undefined && now() < this.#stale.until ? this.#stale : undefined;
    const acker = stale ?? (leader?.answering === true ? { node: leader, timeline: leader.timeline } : undefined);
    if (acker === undefined) throw new Error('no primary behind the write endpoint');
    for (const n of this.nodes) {
      const diverged = n.restarted && this.behaviour.divergesAfterRestart === n.name;
      if (n.answering && !diverged) n.keys.add(key);
    }
    return { node: acker.node.name, timeline: acker.timeline };
  }

  role(n: Node): 'primary' | 'replica' { return n.name === this.leader ? 'primary' : 'replica'; }

  logFiles(): Record<string, string> { return { ...this.behaviour.logFiles }; }

  async stop(): Promise<void> {
    this.#timers.forEach((t) => clearTimeout(t));
    this.#timers.clear();
    await this.#links?.stop();
    this.#links = undefined;
  }

  /** Nothing outlives the process but what stop() ends: its timers and its link proxies. */
  sweep(): Promise<void> { return this.stop(); }

  async [Symbol.asyncDispose](): Promise<void> { await this.stop(); }

  #failover(from: string): void {
    const old = this.node(from);
    if (this.leader !== from || old.answering) return;
    const next = this.nodes.find((n) => n.answering && n.name !== from);
    if (next === undefined) return;
    // The other replicas follow the new primary onto its timeline, as pg_rewind-free streaming does.
    for (const n of this.nodes) if (n !== old) n.timeline = old.timeline + 1;
    this.#setLeader(next.name);
    const staleMs = this.behaviour.staleAcksMs;
    if (staleMs !== undefined) this.#stale = { node: old, timeline: old.timeline, until: now() + staleMs };
  }

  #setLeader(name: string | null): void {
    this.leader = name;
    this.revision += 1;
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.#timers.delete(t); fn(); }, ms);
    this.#timers.add(t);
  }
}

export class FakeProvider implements ClusterProvider {
  readonly name = 'fake';
  cluster: FakeCluster | undefined;
  constructor(private readonly replication: Replication, private readonly behaviour: FakeBehaviour) {}
  async start(): Promise<FakeCluster> {
    this.cluster = new FakeCluster(this.replication, this.behaviour);
    await this.cluster.startLinks();
    return this.cluster;
  }
}

const fake = (c: StartedCluster): FakeCluster => {
  if (!(c instanceof FakeCluster)) throw new Error('the fake parts only work on a FakeCluster');
  return c;
};

/** Runs `tick` every `ms` until stopped. */
function ticker(ms: number, tick: () => void): Lifecycle {
  let timer: NodeJS.Timeout | undefined;
  return { start: () => { timer = setInterval(tick, ms); }, stop: async () => clearInterval(timer) };
}

/** The fake's client, observers and inspections: what the real ones would see of it. */
export const FAKE_PARTS: HarnessParts = {
  prepare: async () => undefined,
  workload(c, _spec, record): WorkloadHandle {
    const stats = { ok: 0, fail: 0, info: 0 };
    let key = 1;
    const loop = ticker(5, () => {
      const start = now();
      const k = key++;
      try {
        const at = fake(c).write(k);
        record({ kind: 'write', key: k, writer: 0, start, end: now() + 1, outcome: 'ok', ...at });
        stats.ok++;
      } catch (err) {
        record({ kind: 'write', key: k, writer: 0, start, end: now() + 1, outcome: 'fail', error: (err as Error).message });
        stats.fail++;
      }
    });
    return { stats, ...loop };
  },
  observers(c, spec, record) {
    return fake(c).nodes.map((n) => ticker(spec.intervalMs, () => {
      const t = now();
      if (!n.answering || fake(c).behaviour.unobservable === n.name) record({ kind: 'probe', t, end: t + 1, member: n.name, error: 'connection refused' });
      else record({ kind: 'probe', t, end: t + 1, member: n.name, inRecovery: fake(c).role(n) === 'replica', timeline: n.timeline, walPosition: n.keys.size * 100 });
    }));
  },
  dcs(c, intervalMs, record) {
    let leader: string | null | undefined;
    const loop = ticker(intervalMs, () => {
      const t = now();
      leader = fake(c).leader;
      record({ kind: 'dcs', t, end: t + 1, leader, revision: leader === null ? 0 : fake(c).revision });
    });
    return { get leader() { return leader; }, ...loop };
  },
  healthy: async (c) => (fake(c).nodes.every((n) => n.answering) && fake(c).leader !== null ? true : 'not every member is up'),
  async snapshot(c, o): Promise<MemberSnapshot[]> {
    const f = fake(c);
    const leaderTl = f.leader === null ? undefined : f.node(f.leader).timeline;
    return f.nodes.filter((n) => n.up).map((n) => ({
      name: n.name,
      role: f.role(n) === 'primary' ? 'leader' : 'replica',
      state: n.frozen ? 'stopped' : n.name === f.leader ? 'running' : 'streaming',
      timeline: n.timeline,
      lagBytes: n.timeline === leaderTl ? 0 : 1,
      ...(o.rows ? { rows: n.keys.size, digest: createHash('md5').update([...n.keys].sort((a, b) => a - b).join(',')).digest('hex') } : {}),
    }));
  },
  leaderName: async (c) => fake(c).leader ?? { none: 'no leader' },
  incarnation: async (c, member) => ({ systemId: '7312345678901234567', dataDirSince: `incarnation ${fake(c).node(member).recreated}` }),
  etcdClusterIds: async (c) => ['etcd1', 'etcd2', 'etcd3'].map((name) => ({ name, clusterId: fake(c).etcdClusterId, revision: fake(c).etcdRevision })),
  readKeys: async (c, member) => {
    const keys = [...fake(c).node(member).keys].sort((a, b) => a - b);
    const phantom = fake(c).behaviour.phantomKey;
    return phantom === undefined ? keys : [...keys, phantom];
  },
};
