import type { Versions } from '../types.js';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { accessSync, constants, readFileSync } from 'node:fs';
import { HarnessError } from '../../errors.js';

export interface Binaries {
  patroni: string;
  etcd: string;
  haproxy: string;
  /** PostgreSQL server binaries (initdb, postgres, pg_rewind...). */
  pgBinDir: string;
  /** Debian's prometheus and prometheus-alertmanager: optional, a run without them says its alerts were not evaluated. */
  prometheus?: string;
  alertmanager?: string;
}

const PG_BIN_DIR = process.env['PATRONI_CHAOS_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const INSTALL_HINT = 'npm run setup (or, as root: apt-get install -y postgresql-15 patroni python3-etcd etcd-server etcd-client haproxy)';

function which(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const file = `${dir}/${name}`;
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      continue; // not in this directory
    }
  }
  return undefined;
}

/** Locates every binary the local provider needs; MISSING_BINARY names them all and the install command. */
export function findBinaries(): Binaries {
  const found = { patroni: which('patroni'), etcd: which('etcd'), haproxy: which('haproxy') };
  const missing = Object.entries(found).filter(([, p]) => p === undefined).map(([n]) => n);
  try {
    accessSync(`${PG_BIN_DIR}/postgres`, constants.X_OK);
  } catch {
    missing.push(`postgres (${PG_BIN_DIR}/postgres)`);
  }
  if (missing.length > 0) {
    throw new HarnessError('MISSING_BINARY', `missing: ${missing.join(', ')}. Install them with: ${INSTALL_HINT}`);
  }
  const prometheus = which('prometheus');
  const alertmanager = which('prometheus-alertmanager') ?? which('alertmanager');
  return { ...(found as Pick<Binaries, 'patroni' | 'etcd' | 'haproxy'>), pgBinDir: PG_BIN_DIR, ...(prometheus === undefined ? {} : { prometheus }), ...(alertmanager === undefined ? {} : { alertmanager }) };
}

function firstLine(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 5000 }).split('\n')[0]?.trim() ?? null;
  } catch {
    return null;
  }
}

async function firstLineAsync(cmd: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, { encoding: 'utf8', timeout: 5000 });
    return stdout.split('\n')[0]?.trim() ?? null;
  } catch {
    return null;
  }
}

const pick = (line: string | null, re: RegExp) => (line === null ? null : (re.exec(line)?.[1] ?? line));

interface VersionCommand { cmd: string; args: string[]; re: RegExp }

/** How each component says its version, and the pattern that finds it in that line. */
function versionCommands(b: Binaries): Record<keyof Versions, VersionCommand> {
  return {
    postgres: { cmd: `${b.pgBinDir}/postgres`, args: ['--version'], re: /(\d+\.\d+)/ },
    patroni: { cmd: b.patroni, args: ['--version'], re: /(\d+\.\d+\.\d+)/ },
    etcd: { cmd: b.etcd, args: ['--version'], re: /(\d+\.\d+\.\d+)/ },
    haproxy: { cmd: b.haproxy, args: ['-v'], re: /version (\S+)/ },
  };
}

/** PostgreSQL's version (major.minor), read at once: it names the data directory template. */
export function postgresVersion(b: Binaries): string | null {
  const c = versionCommands(b).postgres;
  return pick(firstLine(c.cmd, c.args), c.re);
}

export function componentVersions(b: Binaries): Versions {
  const c = versionCommands(b);
  const read = (k: keyof Versions) => pick(firstLine(c[k].cmd, c[k].args), c[k].re);
  return { postgres: read('postgres'), patroni: read('patroni'), etcd: read('etcd'), haproxy: read('haproxy') };
}

/**
 * componentVersions, asked together and without blocking: `patroni --version` starts a Python
 * interpreter (a tenth of a second, more on a loaded machine), so a start reads it while the cluster forms.
 */
export async function readComponentVersions(b: Binaries): Promise<Versions> {
  const c = versionCommands(b);
  const read = async (k: keyof Versions) => pick(await firstLineAsync(c[k].cmd, c[k].args), c[k].re);
  const [postgres, patroni, etcd, haproxy] = await Promise.all([read('postgres'), read('patroni'), read('etcd'), read('haproxy')]);
  return { postgres, patroni, etcd, haproxy };
}

export interface RunAs {
  uid: number;
  gid: number;
  home: string;
}

/**
 * PostgreSQL refuses to run as root: as root, Patroni runs as `postgres`.
 * Returns undefined when the harness already runs as an ordinary user.
 */
export function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid, , home] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new HarnessError('MISSING_BINARY', `running as root but there is no "postgres" user to run PostgreSQL as. Install it with: ${INSTALL_HINT}`);
  }
  return { uid: Number(uid), gid: Number(gid), home: home ?? '/var/lib/postgresql' };
}
