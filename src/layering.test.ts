/**
 * The design's seams (architecture.md, issue 20 part 6), as import rules:
 * a module that reaches across one is a defect even when it works.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('.', import.meta.url).pathname;

/** Non-test modules of a folder (and below), with their text. */
function sources(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !/\.(test|itest)\.ts$|test-support|test-helpers/.test(e.name)) out.push({ file: p.slice(SRC.length), text: readFileSync(p, 'utf8') });
    }
  };
  walk(join(SRC, dir));
  return out;
}

/** The import specifiers of those modules. */
const imports = (dir: string) => sources(dir).flatMap(({ file, text }) => [...text.matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map((m) => ({ file, from: m[1] as string })));

const offending = (dir: string, forbidden: RegExp) => imports(dir).filter((i) => forbidden.test(i.from)).map((i) => `${i.file} imports ${i.from}`);

/** Every folder of src/cluster but the provider-neutral ones is a provider's (local, docker, external, fake...). */
const NEUTRAL = new Set(['render', 'wait']);
const PROVIDER_DIRS = readdirSync(join(SRC, 'cluster'), { withFileTypes: true }).filter((e) => e.isDirectory() && !NEUTRAL.has(e.name)).map((e) => e.name);
const intoProvider = (names: readonly string[]) => new RegExp(`(^|/)(cluster/|\\.\\./)(${names.join('|')})/`);

/**
 * The one crossing between providers the design has today: the external
 * provider drives the containers a cluster file names with the docker
 * provider's container driver and its iptables cuts and losses. Anything
 * else, or another provider doing the same, fails.
 */
const ALLOWED_CROSSING = /^cluster\/external\/[^ ]+ imports \.\.\/docker\/(container|loss|partition)\.js$/;

describe('layering', () => {
  it('the CLI reaches every provider only through the registry, never a provider\'s own folder', () => {
    expect(PROVIDER_DIRS).toEqual(expect.arrayContaining(['local', 'docker', 'external', 'fake']));
    expect(offending('cli', intoProvider(PROVIDER_DIRS))).toEqual([]);
  });

  it('render/ is provider-neutral: no local topology, nor any other provider\'s module', () => {
    expect(offending('cluster/render', intoProvider(PROVIDER_DIRS))).toEqual([]);
  });

  it('one provider does not import another (docker/owner.ts reads /proc through cluster/procfs.ts, not local/)', () => {
    const crossings = PROVIDER_DIRS.flatMap((p) => offending(`cluster/${p}`, intoProvider(PROVIDER_DIRS.filter((o) => o !== p))));
    expect(crossings.filter((c) => !ALLOWED_CROSSING.test(c))).toEqual([]);
  });

  it('the observers do not import the workload\'s connection helpers; both connect through the module below them', () => {
    expect(offending('observe', /workload\/connection/)).toEqual([]);
    const opensItsOwn = (t: string) => /new pg\.(Client|Pool)\(/.test(t) || (/from 'pg'/.test(t) && /new (Client|Pool)\(/.test(t));
    const ownClients = [...sources('observe'), ...sources('workload')].filter((s) => opensItsOwn(s.text)).map((s) => s.file);
    expect(ownClients).toEqual([]);
    expect(offending('observe', /cluster\/pg-connect/)).not.toEqual([]);
    expect(offending('workload', /cluster\/pg-connect/)).not.toEqual([]);
  });

  it('checks and the SLA vocabulary take nothing from the cluster (versions come from sla/types)', () => {
    expect([...offending('checks', /(^|\/)cluster\//), ...offending('sla', /(^|\/)cluster\//)]).toEqual([]);
  });

  it('the alerts reach the cluster only through the endpoints it declares', () => {
    expect(offending('alerts', /cluster\//)).toEqual([]);
  });

  it('faults reach links through the ability, not through a Toxiproxy client, its URL or a provider', () => {
    expect(offending('faults', /toxiproxy-node-client|proxied-links|^undici$/)).toEqual([]);
    expect(offending('faults', intoProvider(PROVIDER_DIRS))).toEqual([]);
  });

  it('LinkKind is the providers\' shared vocabulary (cluster/types.ts), not the local topology\'s', () => {
    const defining = sources('').filter((s) => /^export (type|interface|enum) LinkKind\b|^(type|interface|enum) LinkKind\b/m.test(s.text)).map((s) => s.file);
    expect(defining).toEqual(['cluster/types.ts']);
  });
});
