import type { Versions } from '../types.js';
import { execFileSync } from 'node:child_process';
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


export function componentVersions(b: Binaries): Versions {
  const pick = (line: string | null, re: RegExp) => (line === null ? null : (re.exec(line)?.[1] ?? line));
  return {
    postgres: pick(firstLine(`${b.pgBinDir}/postgres`, ['--version']), /(\d+\.\d+)/),
    patroni: pick(firstLine(b.patroni, ['--version']), /(\d+\.\d+\.\d+)/),
    etcd: pick(firstLine(b.etcd, ['--version']), /(\d+\.\d+\.\d+)/),
    haproxy: pick(firstLine(b.haproxy, ['-v']), /version (\S+)/),
  };
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
