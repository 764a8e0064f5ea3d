/**
 * A data directory made once by initdb and copied into each new cluster's
 * leader instead of running initdb there: on a busy machine initdb (and its
 * sync of every file) takes seconds, a copy of the template a fraction of
 * one. Patroni 3.0 takes the copy through its custom bootstrap `method`, then
 * runs post_bootstrap as after initdb, which sets the run's own superuser
 * password (the template has none) and creates the replication and rewind roles.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunAs } from './system.js';

/** The template's folder: one per PostgreSQL version and bin dir, initdb flags, superuser name and owner. */
export function templateDir(root: string, pgVersion: string, pgBinDir: string, flags: readonly string[], superuser: string, ownerUid: number): string {
  // The owner too: a 0700 template made for the postgres user by a root harness is unreadable to a non-root one.
  const key = createHash('sha256').update(JSON.stringify([pgVersion, pgBinDir, flags, superuser, ownerUid])).digest('hex').slice(0, 16);
  return join(root, '.pg-templates', key);
}

/** Where a run keeps its staged copy of the template: a folder of the run owned by PostgreSQL's user, so that its bootstrap can rename it away. */
export function stagedDataDir(runDir: string): string {
  return join(runDir, 'staged', 'data');
}

/**
 * Copies the template to the run's staging place while etcd starts, so that
 * the leader's bootstrap is a rename: the copy (about 40 MB, half a second of
 * system time here) and its flush to disk are then off the path to a healthy cluster. The copy is
 * made aside and renamed into place, so the bootstrap finds a whole copy or
 * none. A failure is returned, not thrown: the bootstrap copies the template itself.
 */
export async function stageTemplate(template: string, staged: string, runAs: RunAs | undefined): Promise<Error | undefined> {
  const parent = join(staged, '..');
  const tmp = `${staged}.tmp`;
  try {
    mkdirSync(parent, { recursive: true, mode: 0o700 });
    if (runAs !== undefined) chownSync(parent, runAs.uid, runAs.gid);
    await promisify(execFile)('cp', ['-a', template, tmp], { timeout: 60_000 });
    await rename(tmp, staged);
    // Flushed now, while etcd starts: otherwise the leader PostgreSQL's first fsync (of pg_control, as
    // it opens) commits the journal of a thousand new files, and its start loses Patroni's first poll.
    // A flush that fails leaves a good copy, only a slower start.
    await promisify(execFile)('sync', ['-f', staged], { timeout: 60_000 }).catch(() => undefined);
    return undefined;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    return err instanceof Error ? err : new Error(String(err));
  }
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
