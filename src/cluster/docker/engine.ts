/**
 * The one place that talks to a Docker Engine: dockerode over the Engine
 * API (the design's choice), one client per daemon. A call is one HTTP
 * request on the daemon's socket instead of a docker CLI process, and the
 * same client reaches a remote daemon over tcp+TLS or ssh (the external
 * provider). Over ssh: the agent's keys (SSH_AUTH_SOCK), and the host's key
 * checked against known_hosts (known-hosts.ts: hashed names are; ~/.ssh/config
 * is not read). `docker build` stays on the CLI (cli.ts).
 *
 * No API version is pinned: an unversioned path gets the daemon's own
 * version (1.41 on Debian's docker.io 20.10), as the CLI's negotiation
 * does, and every field used here exists since API 1.25.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Duplex, Readable } from 'node:stream';
import Docker from 'dockerode';
import { errorMessage, HarnessError } from '../../errors.js';
import { keysOf, knownHostName, parseKnownHosts, verifierFor } from './known-hosts.js';
import type { CommandResult, NoExit } from '../types.js';

/** What a command gave: the exit code and its output, as a CLI call gave them, and whether the code is the command's (noExit). */
export type DockerResult = CommandResult;

/** How to reach a Docker daemon (a cluster file's `docker:`); none: DOCKER_HOST or the local socket. */
export interface DockerAccess {
  /** unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host. */
  host?: string;
  /** Client TLS for a tcp:// host: paths of the CA, the certificate and its key. */
  tls?: { ca: string; cert: string; key: string };
}

export const INSTALL_DOCKER = 'apt-get install -y docker.io';
export const START_DOCKERD = 'dockerd > /tmp/dockerd.log 2>&1 &   (or: systemctl start docker)';

/** The exit code of a call that ran out of time: the CLI killed by SIGKILL gave 128. */
export const TIMED_OUT = 128;

type Env = Record<string, string | undefined>;

/**
 * dockerode's options for a daemon. Without a host dockerode reads
 * DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH itself (docker-modem's
 * defaults). With one, every field is set, so that none leaks in from those
 * variables (the modem merges them under the options); TLS without files
 * given is the CLI's: DOCKER_TLS_VERIFY set, certificates in DOCKER_CERT_PATH or ~/.docker.
 */
export function clientOptions(a: DockerAccess, env: Env = process.env, read: (path: string) => Buffer = readFileSync): Docker.DockerOptions {
  // An ssh:// DOCKER_HOST is taken here too: dockerode's own ssh would take any host key.
  const host = a.host ?? (env.DOCKER_HOST?.startsWith('ssh://') === true ? env.DOCKER_HOST : undefined);
  if (host === undefined) return {};
  const none = { socketPath: undefined, host: undefined, port: undefined, ca: undefined, cert: undefined, key: undefined, username: undefined };
  if (host.startsWith('unix://')) return { ...none, socketPath: host.slice('unix://'.length), protocol: 'http' };
  const url = new URL(host.includes('//') ? host : `tcp://${host}`);
  if (url.protocol === 'ssh:') {
    const port = url.port === '' ? 22 : Number(url.port);
    return {
      ...none, protocol: 'ssh', host: url.hostname, port,
      ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
      sshOptions: { ...(env.SSH_AUTH_SOCK === undefined ? {} : { agent: env.SSH_AUTH_SOCK }), hostVerifier: hostKeyCheck(host, url.hostname, port, read) },
    };
  }
  if (url.protocol !== 'tcp:') throw new HarnessError('INTERNAL', `docker host ${host}: expected unix://, tcp:// or ssh://`);
  const certDir = env.DOCKER_CERT_PATH ?? join(homedir(), '.docker');
  const files = a.tls ?? (env.DOCKER_TLS_VERIFY ? { ca: join(certDir, 'ca.pem'), cert: join(certDir, 'cert.pem'), key: join(certDir, 'key.pem') } : undefined);
  const base = { ...none, host: url.hostname, port: url.port === '' ? (files ? 2376 : 2375) : Number(url.port) };
  if (files === undefined) return { ...base, protocol: 'http' };
  return { ...base, protocol: 'https', ca: read(files.ca), cert: read(files.cert), key: read(files.key) };
}

/** Where OpenSSH keeps the host keys it trusts: the user's, then the system's. */
export const KNOWN_HOSTS = [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];

/**
 * The check of an ssh host's key, as `ssh` (which the docker CLI ran) made
 * it: the key must be one known_hosts lists for the host (known-hosts.ts
 * says what is read). A host with no key listed fails here, with the
 * command that lists it, rather than later as a refused handshake.
 */
function hostKeyCheck(docker: string, host: string, port: number, read: (path: string) => Buffer): (key: Buffer) => boolean {
  const entries = KNOWN_HOSTS.flatMap((f) => {
    try {
      return parseKnownHosts(read(f).toString('utf8'));
    } catch {
      return []; // no such file: nothing known from it
    }
  });
  const keys = keysOf(entries, host, port);
  if (keys.known.length === 0) {
    throw new HarnessError('NOT_FOUND', `docker host ${docker}: ${knownHostName(host, port)} has no key in ${KNOWN_HOSTS.join(' or ')}, so it could be any machine. `
      + `List it after checking its fingerprint: ssh-keyscan ${port === 22 ? '' : `-p ${port} `}${host} >> ~/.ssh/known_hosts (or ssh to it once)`);
  }
  return verifierFor(keys);
}

const clients = new Map<string, Docker>();

/** The client of a daemon, made once per process. */
export function engine(a: DockerAccess = {}): Docker {
  const key = JSON.stringify([a.host ?? '', a.tls?.ca, a.tls?.cert, a.tls?.key]);
  let c = clients.get(key);
  if (c === undefined) {
    c = new Docker(clientOptions(a));
    clients.set(key, c);
  }
  return c;
}

/**
 * Where a daemon is, as the docker CLI's -H takes it: the host given, else
 * the one dockerode picks (docker-modem's defaults: DOCKER_HOST, else
 * Docker Desktop's socket in the home directory when there is one, else
 * /var/run/docker.sock).
 */
export function daemonName(a: DockerAccess = {}, env: Env = process.env, exists: (path: string) => boolean = existsSync): string {
  if (a.host !== undefined) return a.host;
  if (env.DOCKER_HOST !== undefined && env.DOCKER_HOST !== '' && env.DOCKER_HOST !== 'unix://') return env.DOCKER_HOST;
  const desktop = join(homedir(), '.docker', 'run', 'docker.sock');
  return `unix://${exists(desktop) ? desktop : '/var/run/docker.sock'}`;
}

interface ApiError {
  statusCode?: number;
  /** dockerode's word for the status (`container not running` for any 500 of an exec start), put before the daemon's message. */
  reason?: string;
  json?: { message?: string } | null;
  code?: string;
}

/** The HTTP status of an Engine API error (404 no such container, 409 not running or paused), else undefined. */
export function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? (err as ApiError).statusCode : undefined;
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT']);

/** What the docker CLI would have printed for a failed call: the daemon's own message, or why it was not reached. */
export function engineMessage(err: unknown, a: DockerAccess = {}): string {
  if (err instanceof EngineTimeout) return err.message;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ApiError;
  if (e.statusCode !== undefined) return `Error response from daemon: ${daemonSays(err)}`;
  if (e.code !== undefined && UNREACHABLE.has(e.code)) return `Cannot connect to the Docker daemon at ${daemonName(a)} (${errorMessage(err)}). Is the docker daemon running?`;
  if (/^Host denied/.test(errorMessage(err))) return `${errorMessage(err)}: the key ${daemonName(a)} showed is not one known_hosts lists for it`;
  return errorMessage(err);
}

/**
 * The daemon's own message of an API error. A streamed call (exec start)
 * leaves the body only in dockerode's text, after `(HTTP code N) <reason> - `,
 * and the reason is dockerode's guess (`container not running` for any 500):
 * both are cut off, so that no word of theirs is read as the daemon's.
 */
function daemonSays(err: unknown): string {
  const e = err as ApiError;
  const body = e.json?.message;
  if (typeof body === 'string' && body !== '') return body;
  const text = errorMessage(err);
  const prefix = `(HTTP code ${e.statusCode}) ${e.reason ?? 'unexpected'} - `;
  const own = (text.startsWith(prefix) ? text.slice(prefix.length) : text.replace(/^\(HTTP code \d+\) /, '')).trim();
  return own === '' ? (e.reason ?? `HTTP ${e.statusCode}`) : own;
}

/**
 * Why a command the daemon would not start never ran, from the status of
 * the refusal (exec create or start): 404 the container (or the exec) is
 * gone, 409 it is paused or not running (or restarting): the daemon's
 * message of a 409 is what tells paused apart. Anything else (another
 * status, no daemon reached): not-run.
 */
export function notRunReason(err: unknown): Exclude<NoExit, 'lost'> {
  const status = statusOf(err);
  if (status === 404) return 'gone';
  if (status === 409) return /\bpaused\b/i.test(daemonSays(err)) ? 'paused' : 'gone';
  return 'not-run';
}

export class EngineTimeout extends Error {
  constructor(readonly ms: number) {
    super(`(timed out after ${ms} ms)`);
    this.name = 'EngineTimeout';
  }
}

/**
 * Runs a call with a deadline: its signal aborts the request, and the
 * promise rejects with EngineTimeout at the deadline even when the call
 * ignores the signal (a hijacked stream).
 */
export async function within<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new EngineTimeout(ms));
    }, ms);
  });
  try {
    return await Promise.race([call(ac.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A call whose failure is an error: the HarnessError names the call and says what the daemon said. */
export async function engineOk<T>(what: string, ms: number, call: (signal: AbortSignal) => Promise<T>, a: DockerAccess = {}): Promise<T> {
  try {
    return await within(ms, call);
  } catch (err) {
    throw new HarnessError('INTERNAL', `docker ${what} failed: ${engineMessage(err, a).slice(-2000)}`, { cause: err });
  }
}

/** A call whose failure is a result (exit 1, or 128 out of time), as the CLI's exit code was. */
export async function engineResult(ms: number, call: (signal: AbortSignal) => Promise<unknown>, a: DockerAccess = {}): Promise<DockerResult> {
  try {
    await within(ms, call);
    return { code: 0, stdout: '', stderr: '' };
  } catch (err) {
    return { code: err instanceof EngineTimeout ? TIMED_OUT : 1, stdout: '', stderr: engineMessage(err, a) };
  }
}

export interface Output {
  stdout: string;
  stderr: string;
}

/**
 * Splits the Engine's multiplexed stream format (a non-TTY exec or logs):
 * frames of an 8-byte header (stream 1 stdout or 2 stderr, 3 zero bytes,
 * the payload's length as uint32 big-endian) and the payload, cut anywhere
 * by the transport. Our own loop rather than docker-modem's demuxStream,
 * which recurses once per frame and copies the rest of the buffer each
 * time: a soak's container logs (hundreds of thousands of frames) overflowed
 * the stack (RangeError) and the run crashed while collecting them.
 */
export class Demultiplexer {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (stream: 1 | 2, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let at = 0;
    while (buf.length - at >= 8) {
      const size = buf.readUInt32BE(at + 4);
      if (buf.length - at - 8 < size) break;
      // Stream 0 (stdin echo) and anything else unexpected is the process's output too: keep it, as stdout.
      this.onFrame(buf[at] === 2 ? 2 : 1, buf.subarray(at + 8, at + 8 + size));
      at += 8 + size;
    }
    buf = buf.subarray(at);
    // A copy, so that the chunk a partial frame came in is not held alive by a slice of it.
    this.pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
  }
}

/**
 * A multiplexed stream (a non-TTY exec or logs) split by the Demultiplexer:
 * `done` gives all of it at its end, `sofar` what came before (a call cut
 * off at its deadline keeps it). An error the caller `tolerates` ends it as
 * its end would; any other rejects `done`.
 */
export function demux(stream: NodeJS.ReadableStream, tolerate: (err: Error) => boolean = () => false): { done: Promise<Output>; sofar: () => Output } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const frames = new Demultiplexer((which, payload) => (which === 1 ? out : err).push(payload));
  const sofar = () => ({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
  const done = new Promise<Output>((resolve, reject) => {
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      resolve(sofar());
    };
    stream.on('data', (c: Buffer | string) => frames.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', (x: Error) => {
      if (tolerate(x)) finish();
      else if (!ended) { ended = true; reject(x); }
    });
  });
  return { done, sofar };
}

/** The stdout and stderr of a whole multiplexed stream (see demux). */
export function demuxed(stream: NodeJS.ReadableStream): Promise<Output> {
  return demux(stream).done;
}

/** A write to a command's stdin after it exited without reading it: the CLI ignored these. */
const STDIN_GONE = new Set(['EPIPE', 'ECONNRESET']);

/**
 * An exec's result from its output and its inspection. A process that
 * could not start (no such binary) exits 126 with the runtime's error
 * (`OCI runtime exec failed...`) on the stream's stdout; the CLI printed
 * that on its stdout too, but it is no output of the command: it goes to
 * stderr, where messages of the harness's other calls are.
 */
export function execResult(out: { stdout: string; stderr: string }, exitCode: number): DockerResult {
  if (exitCode === 126 && /^OCI runtime exec failed/.test(out.stdout)) return { code: 126, stdout: '', stderr: out.stdout + out.stderr };
  return { code: exitCode, ...out };
}

export interface ExecOptions {
  user?: string;
  timeoutMs?: number;
  /** Bytes for the command's stdin, closed after them. */
  input?: string | Buffer;
  /** Started and not waited for (`docker exec -d`): the result is 0 once it started. */
  detach?: boolean;
}

/**
 * Runs argv in a container and returns its exit code (from the exec's
 * inspection) and output; a non-zero exit is a result, and so is a
 * missing, paused or stopped container (exit 1 with the daemon's message,
 * as with `docker exec`, and noExit: the command never ran).
 * At the deadline the harness stops waiting (128); the process in the
 * container is not killed, as it was not when the CLI was.
 */
export async function execIn(container: string, argv: readonly string[], o: ExecOptions = {}, a: DockerAccess = {}): Promise<DockerResult> {
  return execWith(engine(a), container, argv, o, a);
}

/** What execWith needs of a client: dockerode's, or a test's fake. */
export interface ExecClient {
  getContainer(name: string): {
    exec(o: Docker.ExecCreateOptions): Promise<{
      start(o: Docker.ExecStartOptions): Promise<Duplex>;
      inspect(o: { abortSignal?: AbortSignal }): Promise<{ Running: boolean; ExitCode: number | null }>;
    }>;
  };
}

/**
 * execIn on a given client. A failure before the process started (exec
 * create or start refused, no daemon) is exit 1 with the daemon's message
 * and noExit saying why it never ran; one after (the stream or the
 * inspection failed) is exit 1 with noExit `lost`. At the deadline: 128,
 * the output so far and the CLI's `(timed out after N ms)` line on stderr.
 */
export async function execWith(d: ExecClient, container: string, argv: readonly string[], o: ExecOptions = {}, a: DockerAccess = {}): Promise<DockerResult> {
  const ms = o.timeoutMs ?? 60_000;
  const start = Date.now();
  let started = false;
  let sofar: () => Output = () => ({ stdout: '', stderr: '' });
  try {
    return await within(ms, async (signal) => {
      const exec = await d.getContainer(container).exec({
        Cmd: [...argv], AttachStdout: o.detach !== true, AttachStderr: o.detach !== true, AttachStdin: o.input !== undefined,
        ...(o.user === undefined ? {} : { User: o.user }), abortSignal: signal,
      });
      if (o.detach === true) {
        const res = await exec.start({ Detach: true, abortSignal: signal });
        // The daemon answers once the process started; left unread, the answer keeps its socket (and the event loop) busy.
        res.resume();
        return { code: 0, stdout: '', stderr: '' };
      }
      const stream = await exec.start({ hijack: true, stdin: o.input !== undefined, abortSignal: signal });
      started = true;
      // The deadline may have passed while the start was answered: the listener below would never fire.
      if (signal.aborted) stream.destroy();
      signal.addEventListener('abort', () => stream.destroy(), { once: true });
      // A command that exits without reading its stdin breaks the write: its exit code and output are still the result.
      const output = demux(stream, (err) => o.input !== undefined && STDIN_GONE.has((err as NodeJS.ErrnoException).code ?? ''));
      sofar = output.sofar;
      if (o.input !== undefined) stream.end(o.input);
      const out = await output.done;
      // The stream ends when the process closed its output; it may still be exiting.
      for (;;) {
        const info = await exec.inspect({ abortSignal: signal });
        if (!info.Running && info.ExitCode !== null) return execResult(out, info.ExitCode);
        if (Date.now() - start > ms) throw new EngineTimeout(ms);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
  } catch (err) {
    if (err instanceof EngineTimeout) {
      const so = sofar();
      return { code: TIMED_OUT, stdout: so.stdout, stderr: `${so.stderr}\n${err.message}` };
    }
    const so = sofar();
    return { code: 1, stdout: so.stdout, stderr: `${so.stderr}${so.stderr === '' ? '' : '\n'}${engineMessage(err, a)}`, noExit: started ? 'lost' : notRunReason(err) };
  }
}

/** `since` as the Engine API takes it: seconds.nanoseconds since the epoch (the CLI converts an ISO time so). */
export function sinceParam(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new HarnessError('INTERNAL', `not a time: ${iso}`);
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`;
}

/** A container's output so far, stdout and stderr apart (`docker logs`); throws when the daemon refuses. */
export async function containerLogs(container: string, o: { tail?: number; since?: string; timestamps?: boolean; timeoutMs?: number } = {}, a: DockerAccess = {}): Promise<{ stdout: string; stderr: string }> {
  const d = engine(a);
  return engineOk(`logs ${container}`, o.timeoutMs ?? 30_000, async (signal) => {
    const body: unknown = await d.getContainer(container).logs({
      follow: false, stdout: true, stderr: true, timestamps: o.timestamps === true,
      ...(o.tail === undefined ? {} : { tail: o.tail }), // The typings say a number; the API takes the string, and only it keeps the fraction of a second.
      ...(o.since === undefined ? {} : { since: sinceParam(o.since) as unknown as number }),
      abortSignal: signal,
    });
    // Without follow dockerode buffers the body (and would parse one that is JSON: never a multiplexed one, which starts with its stream byte).
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return demuxed(Readable.from([raw]));
  }, a);
}

/**
 * Fails with the command that fixes it when no daemon answers, so a run
 * never dies later on a cryptic error; returns the daemon's version.
 */
export async function requireDaemon(a: DockerAccess = {}): Promise<string> {
  try {
    // The deadline ends the wait (the typings take no signal for /version).
    const v = await within(15_000, () => engine(a).version());
    if (typeof v.Version === 'string' && v.Version !== '') return v.Version;
    throw new Error('the daemon gave no version');
  } catch (err) {
    throw noDaemon(err, a);
  }
}

/** The error of a daemon that does not answer: why, and how to start one. */
export function noDaemon(err: unknown, a: DockerAccess = {}): HarnessError {
  // The daemon's own words when it answered with an error, else the socket's (connect ENOENT /var/run/docker.sock).
  const text = statusOf(err) === undefined ? errorMessage(err) : engineMessage(err, a);
  const why = text.split('\n').find((l) => l.trim() !== '') ?? 'no answer';
  return new HarnessError('MISSING_BINARY', `no Docker daemon answers at ${daemonName(a)} (${why}). Start it as root with: ${START_DOCKERD}`, { cause: err });
}
