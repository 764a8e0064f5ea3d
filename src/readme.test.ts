import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { providerFor } from './cli/providers.js';
import { loadScenarioText } from './scenario/load.js';
import { checkScenario } from './scenario/targets.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

describe('README examples', () => {
  it('has a scenario example', () => {
    expect(yamlBlocks.length).toBeGreaterThan(0);
  });

  it.each(yamlBlocks.map((b, i) => [i, b]))('example %i loads and passes the local provider checks', (_i, text) => {
    const scenario = loadScenarioText(text as string, 'README.md');
    expect(checkScenario(scenario, providerFor('local', {}).catalog)).toEqual([]);
    expect(scenario.sla.map((r) => `${r.metric} ${r.threshold}`)).toEqual(['rto_ms < 30s', 'lost_writes == 0', 'max_concurrent_primaries <= 1']);
  });
});
