/**
 * The docker CLI, run without a shell. The CLI rather than dockerode: it
 * needs no npm dependency, speaks whatever API version the daemon has
 * (Debian's docker.io 20.10 here), and every call can be replayed by hand.
 */
import { spawn } from 'node:child_process';
import { HarnessError } from '../../errors.js';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DockerOptions {
  /** Bytes written to the command's stdin. */
  input?: string | Buffer;
  timeoutMs?: number;
  /** Called with each complete line of stdout and stderr, as it arrives. */
  onLine?: (line: string) => void;
}

export const INSTALL_DOCKER = 'apt-get install -y docker.io';
export const START_DOCKERD = 'dockerd > /tmp/dockerd.log 2>&1 &   (or: systemctl start docker)';

/** Runs `docker ...args`; never throws for a non-zero exit (see `dockerOk`). */
export function docker(args: readonly string[], o: DockerOptions = {}): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
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

/**
 * Fails with the command that fixes it when there is no docker CLI or no
 * daemon answering, so a run never dies later on a cryptic error.
 */
export async function requireDaemon(): Promise<string> {
  const r = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
  if (r.code !== 0 || r.stdout.trim() === '') {
    const why = r.stderr.trim().split('\n').find((l) => l.trim() !== '') ?? 'no answer';
    throw new HarnessError('MISSING_BINARY', `no Docker daemon answers (${why}). Start it as root with: ${START_DOCKERD}`);
  }
  return r.stdout.trim();
}
