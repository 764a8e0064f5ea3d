/**
 * The docker CLI, run without a shell, for what stays off the Engine API
 * (engine.ts): `docker build` and the archive lookup that precedes it
 * (images.ts). A build through the API would need its context tarred by
 * the harness, the legacy builder's JSON progress parsed back into the
 * lines shown today, and BuildKit (which the CLI picks when the daemon
 * has it) is not served by /build to a plain client; the CLI does all of
 * that, and its output is the build log a user can replay by hand.
 */
import { spawn } from 'node:child_process';
import { HarnessError } from '../../errors.js';
import { daemonName, INSTALL_DOCKER, type DockerResult } from './engine.js';

type Env = Record<string, string | undefined>;

/**
 * The CLI's argv for `docker ...args`, on the daemon the Engine API calls
 * use (engine.ts): the CLI would follow `docker context` or DOCKER_CONTEXT,
 * which dockerode ignores, and build images on a daemon the runs never see.
 */
export function cliArgv(args: readonly string[], env: Env = process.env): string[] {
  return ['-H', daemonName({}, env), ...args];
}

/** The environment of a script that runs the CLI (make-base.sh's docker import): DOCKER_HOST for the same reason. */
export function cliEnv(env: Env = process.env): Env {
  return { ...env, DOCKER_HOST: daemonName({}, env) };
}

export interface DockerOptions {
  /** Bytes written to the command's stdin. */
  input?: string | Buffer;
  timeoutMs?: number;
  /** Called with each complete line of stdout and stderr, as it arrives. */
  onLine?: (line: string) => void;
}

/** Runs `docker ...args`; never throws for a non-zero exit (see `dockerOk`). */
export function docker(args: readonly string[], o: DockerOptions = {}): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', cliArgv(args), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let partial = '';
    const lines = (chunk: Buffer) => {
      if (o.onLine === undefined) return;
      partial += chunk.toString('utf8');
      const parts = partial.split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const p of parts) if (p.trim() !== '') o.onLine(p);
    };
    child.stdout.on('data', (c: Buffer) => { out.push(c); lines(c); });
    child.stderr.on('data', (c: Buffer) => { err.push(c); lines(c); });
    const timer = o.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT'
        ? new HarnessError('MISSING_BINARY', `the docker CLI is not installed. Install it with: ${INSTALL_DOCKER}`)
        : e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial.trim() !== '' && o.onLine) o.onLine(partial);
      resolve({
        code: code ?? (signal === null ? 1 : 128),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (signal === 'SIGKILL' && o.timeoutMs !== undefined ? `\n(timed out after ${o.timeoutMs} ms)` : ''),
      });
    });
    child.stdin.on('error', () => undefined); // the command may exit before reading its input
    child.stdin.end(o.input ?? '');
  });
}

/** Runs `docker ...args` and returns its trimmed stdout; a non-zero exit throws with the command and stderr. */
export async function dockerOk(args: readonly string[], o: DockerOptions = {}): Promise<string> {
  const r = await docker(args, o);
  if (r.code !== 0) {
    throw new HarnessError('INTERNAL', `docker ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  }
  return r.stdout.trim();
}
