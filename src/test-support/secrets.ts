import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIALS_FILE, passwordsOf } from '../cluster/credentials.js';
import type { Credentials } from '../cluster/types.js';

/** The passwords a run drew, from its run folder. */
export function runPasswords(runDir: string): string[] {
  return passwordsOf(JSON.parse(readFileSync(join(runDir, CREDENTIALS_FILE), 'utf8')) as Credentials);
}

/** Every file under `dir` (recursively) that contains one of `secrets`, with the secret's role index. */
export function filesContaining(dir: string, secrets: readonly string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p, 'latin1');
        secrets.forEach((s, i) => { if (text.includes(s)) hits.push(`${p} (password ${i})`); });
      }
    }
  };
  walk(dir);
  return hits;
}
