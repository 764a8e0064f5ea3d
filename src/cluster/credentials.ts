/**
 * Every run's own passwords: a run's superuser, replication, rewind and
 * Patroni REST passwords are drawn fresh, so that nothing known in advance
 * opens a cluster the harness started. They stay in the run folder
 * (credentials.json, mode 0600), never in a report.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from './types.js';

const secret = () => randomBytes(18).toString('base64url');

export function newCredentials(): Credentials {
  return {
    superuser: { username: 'postgres', password: secret() },
    replication: { username: 'replicator', password: secret() },
    rewind: { username: 'rewind_user', password: secret() },
    rest: { username: 'patroni', password: secret() },
  };
}

export const CREDENTIALS_FILE = 'credentials.json';

/** Writes the run's credentials beside its configs, readable by the owner only. */
export function writeCredentials(runDir: string, c: Credentials): string {
  const file = join(runDir, CREDENTIALS_FILE);
  writeFileSync(file, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** Every password of a run, for checks that none of them leaked. */
export function passwordsOf(c: Credentials): string[] {
  return [c.superuser.password, c.replication.password, c.rewind.password, c.rest.password];
}
