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
import type { Versions } from '../types.js';
import type { ClusterProvider, CommandExec, CommandResult, Component, ProcessControl, StartedCluster } from '../types.js';
import type { MemberSnapshot } from '../../history/events.js';
import { now } from '../../history/clock.js';
import type { HarnessParts, Lifecycle, WorkloadHandle } from '../../runner/parts.js';
import type { Replication } from '../../sla/types.js';

export interface FakeBehaviour {
  /** How long after the leader dies or freezes a replica takes the key; null: never. */
  failoverAfterMs: number | null;
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
  /** This member has no WAL sender or receiver: signalling its replication processes reaches nothing. */
  noReplicationProcess?: string;
  /** `patronictl reinit` answers as Patroni's ctl does on a 503: "Failed: ..." on stdout, exit 0, nothing re-created. */
  reinitRefused?: boolean;
  /** A command that rebuilds etcd leaves it in the cluster it was (the data was not wiped). */
  etcdRebuildKeepsCluster?: boolean;
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

export class FakeCluster implements StartedCluster, ProcessControl, CommandExec {
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
  revision = 1;
  healed = false;
  /** Every signal sent to a member's WAL streaming processes: "SIGSTOP m2". */
  readonly replicationSignals: string[] = [];
  /** Every command exec steps ran: [member, argv]. */
  readonly commands: Array<[string, readonly string[]]> = [];
  #timers = new Set<NodeJS.Timeout>();

  constructor(readonly replication: Replication, readonly behaviour: FakeBehaviour) {}

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
      if (this.behaviour.etcdRebuildKeepsCluster !== true) this.etcdClusterId = 'a1b2c3d4e5f60718';
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
    if (leader === undefined || !leader.answering) throw new Error('no primary behind the write endpoint');
    for (const n of this.nodes) {
      const diverged = n.restarted && this.behaviour.divergesAfterRestart === n.name;
      if (n.answering && !diverged) n.keys.add(key);
    }
    return { node: leader.name, timeline: leader.timeline };
  }

  role(n: Node): 'primary' | 'replica' { return n.name === this.leader ? 'primary' : 'replica'; }

  logFiles(): Record<string, string> { return {}; }

  async stop(): Promise<void> {
    this.#timers.forEach((t) => clearTimeout(t));
    this.#timers.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> { await this.stop(); }

  #failover(from: string): void {
    const old = this.node(from);
    if (this.leader !== from || old.answering) return;
    const next = this.nodes.find((n) => n.answering && n.name !== from);
    if (next === undefined) return;
    // The other replicas follow the new primary onto its timeline, as pg_rewind-free streaming does.
    for (const n of this.nodes) if (n !== old) n.timeline = old.timeline + 1;
    this.#setLeader(next.name);
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
  etcdClusterIds: async (c) => ['etcd1', 'etcd2', 'etcd3'].map((name) => ({ name, clusterId: fake(c).etcdClusterId })),
  readKeys: async (c, member) => {
    const keys = [...fake(c).node(member).keys].sort((a, b) => a - b);
    const phantom = fake(c).behaviour.phantomKey;
    return phantom === undefined ? keys : [...keys, phantom];
  },
};
