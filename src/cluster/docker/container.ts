/**
 * One container as a host the faults act on, through the docker CLI: the
 * docker provider's own containers, and the named containers of a cluster
 * the external provider attaches to (on this daemon or a remote one).
 */
import { HarnessError } from '../../errors.js';
import type { Component } from '../types.js';
import { docker, dockerOk, type DockerResult } from './cli.js';

/** How to reach a Docker daemon: the docker CLI's own global flags. */
export interface DockerAccess {
  /** `-H`: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host. */
  host?: string;
  /** Client TLS for a tcp:// host (`--tlsverify`). */
  tls?: { ca: string; cert: string; key: string };
}

export function dockerFlags(a: DockerAccess = {}): string[] {
  return [
    ...(a.host === undefined ? [] : ['-H', a.host]),
    ...(a.tls === undefined ? [] : ['--tlsverify', '--tlscacert', a.tls.ca, '--tlscert', a.tls.cert, '--tlskey', a.tls.key]),
  ];
}

/** WAL streaming processes, by their process titles. */
const REPLICATION_TITLE = 'postgres: .*(walsender|walreceiver)';

export class Container {
  constructor(readonly name: string, readonly access: DockerAccess = {}) {}

  run(args: readonly string[], timeoutMs = 30_000): Promise<DockerResult> {
    return docker([...dockerFlags(this.access), ...args], { timeoutMs });
  }

  ok(args: readonly string[], timeoutMs = 30_000): Promise<string> {
    return dockerOk([...dockerFlags(this.access), ...args], { timeoutMs });
  }

  /** `docker inspect`'s state: running, paused, exited... */
  state(): Promise<string> {
    return this.ok(['inspect', '--format', '{{.State.Status}}', this.name]);
  }

  /** A signal to the container's PID 1 (tini in a member's: it forwards it); SIGKILL ends every process of it at once, as a host losing power. */
  async kill(signal = 'KILL'): Promise<void> {
    await this.ok(['kill', '--signal', signal, this.name]);
  }

  /** Freezes every process of the container (cgroup freezer): no exit, no FIN, no RST. */
  async pause(): Promise<void> {
    await this.ok(['pause', this.name]);
  }

  async unpause(): Promise<void> {
    await this.ok(['unpause', this.name]);
  }

  /**
   * A graceful restart of a running container (SIGTERM to its PID 1: Patroni stops PostgreSQL
   * and hands over the lock; SIGKILL after 30 s), or a start of a killed one. Address and data are kept.
   */
  async restart(): Promise<void> {
    const state = await this.state();
    if (state === 'paused') await this.unpause();
    if (state === 'running' || state === 'paused') await this.ok(['restart', '-t', '30', this.name], 120_000);
    else await this.ok(['start', this.name], 60_000);
  }

  /** Runs argv inside the container; a non-zero exit is a result, not an error. */
  exec(argv: readonly string[], o: { user?: string; timeoutMs?: number; input?: string } = {}): Promise<DockerResult> {
    return docker([
      ...dockerFlags(this.access),
      'exec', ...(o.input === undefined ? [] : ['-i']), ...(o.user === undefined ? [] : ['-u', o.user]),
      this.name, ...argv,
    ], { timeoutMs: o.timeoutMs ?? 60_000, ...(o.input === undefined ? {} : { input: o.input }) });
  }

  /** iptables as root inside the container's own network namespace (the container needs NET_ADMIN). */
  iptables(args: string[]): Promise<DockerResult> {
    return this.exec(['iptables', '-w', '5', ...args], { user: 'root', timeoutMs: 30_000 });
  }

  /** The container's addresses on its networks. */
  async ips(): Promise<string[]> {
    const out = await this.ok(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', this.name]);
    return out.split(/\s+/).filter((s) => s !== '');
  }

  /** The container's output (since an ISO time, or all of it), stdout and stderr merged in time order. */
  async timestampedLogs(since?: string): Promise<string> {
    const r = await this.run(['logs', '--timestamps', ...(since === undefined ? [] : ['--since', since]), this.name], 20_000);
    // docker logs splits stdout from stderr; the timestamps put them back in order.
    return interleave(r.stdout, r.stderr);
  }

  async logs(tail = 200): Promise<string> {
    const r = await this.run(['logs', '--tail', String(tail), this.name]);
    return `${r.stdout}${r.stderr}`;
  }

  /**
   * Signals a component: Patroni (but under tini: MemberContainer) and etcd are their containers' PID 1, so signalling them is
   * signalling the container; PostgreSQL's processes are signalled from inside (pkill exits 1
   * on no match). False when nothing was running to receive it.
   */
  async signal(component: Component, sig: NodeJS.Signals): Promise<boolean> {
    const short = sig.replace(/^SIG/, '');
    if (component === 'patroni' || component === 'etcd') {
      if ((await this.state()) !== 'running') return false;
      await this.kill(short);
      return true;
    }
    const match = component === 'postgres' ? ['-x', 'postgres'] : ['-f', REPLICATION_TITLE];
    return (await this.exec(['pkill', `-${short}`, ...match], { user: 'root', timeoutMs: 30_000 })).code === 0;
  }

  /** PID of a component: the container's PID 1 on the host for Patroni and etcd, PostgreSQL's inside it. */
  async pid(component: Component): Promise<number | undefined> {
    if (component === 'patroni' || component === 'etcd') {
      const pid = Number(await this.ok(['inspect', '--format', '{{.State.Pid}}', this.name]));
      return pid > 0 ? pid : undefined;
    }
    const r = await this.exec(['pgrep', '-o', ...(component === 'postgres' ? ['-x', 'postgres'] : ['-f', REPLICATION_TITLE])], { timeoutMs: 30_000 });
    const pid = Number(r.stdout.trim().split('\n')[0]);
    return r.code === 0 && pid > 0 ? pid : undefined;
  }

  /** Fails with what docker said when the container does not exist (a typo in a cluster file). */
  async require(): Promise<void> {
    const r = await this.run(['inspect', '--format', '{{.State.Status}}', this.name]);
    if (r.code !== 0) throw new HarnessError('NOT_FOUND', `container ${this.name}${this.access.host ? ` on ${this.access.host}` : ''}: ${(r.stderr || r.stdout).trim()}`);
  }
}

/** Merges two `docker logs --timestamps` streams into one, in time order (a stable sort keeps each stream's order). */
function interleave(stdout: string, stderr: string): string {
  const lines = [...stdout.split('\n'), ...stderr.split('\n')].filter((l) => l !== '');
  return lines.map((l, i) => ({ l, i, t: l.slice(0, 30) })).sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.i - b.i)).map((x) => x.l).join('\n') + '\n';
}
