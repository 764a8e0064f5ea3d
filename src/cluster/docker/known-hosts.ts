/**
 * The host keys OpenSSH trusts (known_hosts), for a daemon reached over
 * ssh:// (engine.ts): ssh2 takes any key unless told which, where `ssh`
 * (which the docker CLI ran) refuses one it does not know. Lines are
 * OpenSSH's: `[@marker] patterns keytype base64-key [comment]`, a pattern a
 * name with * and ? wildcards, `!` to exclude, `[host]:port` off port 22, or
 * a hashed name (`|1|salt|hmac-sha1`, ssh-keygen -H). Not read: ~/.ssh/config
 * (no HostKeyAlias, no UserKnownHostsFile), the address of the host
 * (CheckHostIP), and @cert-authority lines (no host certificates).
 */
import { createHmac } from 'node:crypto';

export interface KnownHost {
  marker?: 'revoked' | 'cert-authority';
  patterns: string;
  /** The key as the server sends it (the SSH wire form the base64 encodes). */
  key: Buffer;
}

export function parseKnownHosts(text: string): KnownHost[] {
  const out: KnownHost[] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue;
    const marker = fields[0] === '@revoked' ? 'revoked' : fields[0] === '@cert-authority' ? 'cert-authority' : undefined;
    const [patterns, , key] = marker === undefined ? fields : fields.slice(1);
    if (patterns === undefined || key === undefined) continue;
    out.push({ ...(marker === undefined ? {} : { marker }), patterns, key: Buffer.from(key, 'base64') });
  }
  return out;
}

/** The name a host goes by in known_hosts: `[host]:port` off the default port. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcard(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** Whether a line's patterns name the host: a negated pattern that matches wins over any other. */
export function namesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (salt === undefined || hash === undefined) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let hit = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (wildcard(p.slice(1), name)) return false;
    } else if (wildcard(p, name)) hit = true;
  }
  return hit;
}

/** The keys known for a host, and those revoked. */
export function keysOf(entries: readonly KnownHost[], host: string, port: number): { known: Buffer[]; revoked: Buffer[] } {
  const name = knownHostName(host, port);
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && namesHost(e.patterns, name));
  return { known: mine.filter((e) => e.marker === undefined).map((e) => e.key), revoked: mine.filter((e) => e.marker === 'revoked').map((e) => e.key) };
}

/** ssh2's hostVerifier: the server's key must be one known for the host, and not revoked. */
export function verifierFor(keys: { known: readonly Buffer[]; revoked: readonly Buffer[] }): (key: Buffer) => boolean {
  return (key) => !keys.revoked.some((k) => k.equals(key)) && keys.known.some((k) => k.equals(key));
}
