import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../scenario/errors.js';
import { checkParallel, parallelArg, portBaseOf } from './parallel.js';
import { PROVIDERS } from '../cluster/registry.js';

const local = PROVIDERS.get('local');
const docker = PROVIDERS.get('docker');
const refusal = (f: () => void): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof ScenarioError) return err.message;
    throw err;
  }
  return 'accepted';
};

describe('--parallel N: what each provider allows', () => {
  it('takes 1..16 and nothing else', () => {
    expect(parallelArg('2')).toBe(2);
    for (const bad of ['0', '-1', '1.5', 'x', '17']) expect(() => parallelArg(bad)).toThrow(/from 1 to 16/);
  });

  it('gives the local provider\'s slots distinct 100-port blocks, docker\'s none (it picks free ports per run)', () => {
    expect(local?.parallel).toEqual({ portBlock: 100 });
    expect(docker?.parallel).toEqual({ portBlock: 0 });
    expect([0, 1, 2].map((k) => portBaseOf(100, 5000, k))).toEqual([5000, 5100, 5200]);
  });

  it('accepts N = 1 from any provider, even one of a single cluster', () => {
    expect(refusal(() => checkParallel({ name: 'external', parallel: { refused: 'one cluster' } }, 1, { portBase: 5000 }))).toBe('accepted');
    expect(refusal(() => checkParallel({ name: 'x' }, 1, { portBase: 5000, toxiproxy: 'http://127.0.0.1:8474' }))).toBe('accepted');
  });

  it('refuses N > 1 on a provider of one cluster, and on one that does not say how its clusters are kept apart', () => {
    expect(refusal(() => checkParallel({ name: 'external', parallel: { refused: 'it attaches to the one cluster c.yaml describes' } }, 2, { portBase: 5000 }))).toMatch(/--parallel.*provider "external" runs one cluster at a time: it attaches to the one cluster c\.yaml describes/);
    expect(refusal(() => checkParallel({ name: 'new' }, 2, { portBase: 5000 }))).toMatch(/provider "new" runs one cluster at a time/);
  });

  it('refuses a Toxiproxy the runs would share: their link proxies have the same names', () => {
    expect(refusal(() => checkParallel(local as NonNullable<typeof local>, 2, { portBase: 5000, toxiproxy: 'http://127.0.0.1:8474' }))).toMatch(/share the Toxiproxy at http:\/\/127\.0\.0\.1:8474/);
  });

  it('refuses local blocks past the last port, and takes the highest that fits', () => {
    const l = local as NonNullable<typeof local>;
    expect(refusal(() => checkParallel(l, 2, { portBase: 65400 }))).toMatch(/the last would start at 65500, past 65400/);
    expect(refusal(() => checkParallel(l, 3, { portBase: 65200 }))).toBe('accepted');
    // docker ignores the port base: any N within the bound.
    expect(refusal(() => checkParallel(docker as NonNullable<typeof docker>, 16, { portBase: 65400 }))).toBe('accepted');
  });
});
