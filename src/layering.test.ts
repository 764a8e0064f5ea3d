/**
 * The design's seams (architecture.md, issue 20 part 6), as import rules:
 * a module that reaches across one is a defect even when it works.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('.', import.meta.url).pathname;

/** Non-test modules of a folder (and below), with their import specifiers. */
function imports(dir: string): { file: string; from: string }[] {
  const out: { file: string; from: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !/\.(test|itest)\.ts$|test-support|test-helpers/.test(e.name)) {
        for (const m of readFileSync(p, 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)) out.push({ file: p.slice(SRC.length), from: m[1] as string });
      }
    }
  };
  walk(join(SRC, dir));
  return out;
}

const offending = (dir: string, forbidden: RegExp) => imports(dir).filter((i) => forbidden.test(i.from)).map((i) => `${i.file} imports ${i.from}`);

describe('layering', () => {
  it('the CLI reaches every provider only through the registry, never a provider\'s own folder', () => {
    // Every folder of src/cluster but the provider-neutral ones is a provider's (local, docker, external, fake...).
    const neutral = new Set(['render', 'wait']);
    const providers = readdirSync(join(SRC, 'cluster'), { withFileTypes: true }).filter((e) => e.isDirectory() && !neutral.has(e.name)).map((e) => e.name);
    expect(providers).toEqual(expect.arrayContaining(['local', 'docker', 'external']));
    expect(offending('cli', new RegExp(`cluster/(${providers.join('|')})/`))).toEqual([]);
  });

  it('render/ is provider-neutral: no local topology', () => {
    expect(offending('cluster/render', /\/local\//)).toEqual([]);
  });

  it('one provider does not import another', () => {
    expect(offending('cluster/docker', /\/local\//)).toEqual([]);
    expect(offending('cluster/local', /\/docker\//)).toEqual([]);
  });

  it('the observers do not import the workload\'s connection helpers', () => {
    expect(offending('observe', /workload\/connection/)).toEqual([]);
  });

  it('checks and the SLA vocabulary take nothing from the cluster types', () => {
    expect([...offending('checks', /cluster\/types/), ...offending('sla', /cluster\/types/)]).toEqual([]);
  });

  it('faults reach links through the ability, not through a Toxiproxy client', () => {
    expect(offending('faults', /toxiproxy-node-client/)).toEqual([]);
  });
});
