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
  it('the CLI reaches the local and docker providers only through the registry', () => {
    expect(offending('cli', /cluster\/(local|docker)\//)).toEqual([]);
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

  it('the alerts reach the cluster only through the endpoints it declares', () => {
    expect(offending('alerts', /cluster\//)).toEqual([]);
  });

  it('faults reach links through the ability, not through a Toxiproxy client', () => {
    expect(offending('faults', /toxiproxy-node-client/)).toEqual([]);
  });
});
