/**
 * A data directory made once by initdb and copied into each new cluster's
 * leader instead of running initdb there: on a busy machine initdb (and its
 * sync of every file) takes seconds, a copy of the template a fraction of
 * one. Patroni 3.0 takes the copy through its custom bootstrap `method`, then
 * runs post_bootstrap as after initdb, which sets the run's own superuser
 * password (the template has none) and creates the replication and rewind roles.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunAs } from './system.js';

/** The initdb flags of a Patroni bootstrap.initdb list (Patroni's own rule: `--key=value`, `--flag`). */
export function initdbFlags(options: ReadonlyArray<string | Record<string, string>>): string[] {
  return options.flatMap((o) => (typeof o === 'string' ? [`--${o}`] : Object.entries(o).map(([k, v]) => `--${k}=${v}`)));
}

/** The template's folder: one per PostgreSQL version and bin dir, initdb flags, superuser name and owner. */
export function templateDir(root: string, pgVersion: string, pgBinDir: string, flags: readonly string[], superuser: string, ownerUid: number): string {
  // The owner too: a 0700 template made for the postgres user by a root harness is unreadable to a non-root one.
  const key = createHash('sha256').update(JSON.stringify([pgVersion, pgBinDir, flags, superuser, ownerUid])).digest('hex').slice(0, 16);
  return join(root, '.pg-templates', key);
}

/** The custom bootstrap command that copies the template into a member's data folder (Patroni splits it with shlex). */
export function copyCommand(template: string, dataDir: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;
  return `sh -c ${q('mkdir -p -m 0700 "$1" && cp -a "$0"/. "$1"/')} ${q(template)} ${q(dataDir)}`;
}

/**
 * The template for this PostgreSQL and these options, made now if it does not
 * exist yet. It is built aside and renamed into place, so that concurrent
 * runs never see half a template: the loser of a race uses the winner's.
 */
export function ensureTemplate(dir: string, pgBinDir: string, flags: readonly string[], superuser: string, runAs: RunAs | undefined): string {
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  const parent = join(dir, '..');
  mkdirSync(parent, { recursive: true });
  if (runAs !== undefined) chownSync(parent, runAs.uid, runAs.gid);
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    execFileSync(`${pgBinDir}/initdb`, ['-D', tmp, `--username=${superuser}`, ...flags], {
      stdio: 'ignore', timeout: 120_000, ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'PG_VERSION'))) throw err;
  }
  return dir;
}
