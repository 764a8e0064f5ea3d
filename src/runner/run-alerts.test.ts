import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterScrape } from '../alerts/test-support.js';
import { FAKE_PARTS, FakeProvider } from '../cluster/fake/fake-cluster.js';
import { now } from '../history/clock.js';
import { ofKind } from '../history/history.js';
import { toReportJson } from '../report/json.js';
import { runVerdict } from '../report/verdict.js';
import { loadScenarioText } from '../scenario/load.js';
import type { HarnessParts } from './parts.js';
import { runScenario } from './run-scenario.js';

const SCENARIO = `name: fake-alerts
cluster: { replication: synchronous }
observe: { interval: 20ms }
steps:
  - wait_for: { condition: healthy, timeout: 1s }
  - fault: { action: kill, target: m1 }
  - wait_for: { condition: new-leader, timeout: 1s }
  - heal: all
  - wait_for: { condition: converged, timeout: 1s }
sla:
  rto: "< 30s"
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function runWith(parts: HarnessParts) {
  const scenario = loadScenarioText(SCENARIO, 'fake.yaml');
  const provider = new FakeProvider(scenario.cluster.replication, { failoverAfterMs: 150 });
  const dir = dirs[dirs.push(mkdtempSync(join(tmpdir(), 'pc-alerts-'))) - 1] as string;
  return runScenario(scenario, { provider: () => provider, parts, iteration: 1, finalConvergeMs: 500, dir });
}

describe('runScenario: the documented alerts', () => {
  it('scrapes once before the first step and once after the final read, and reports on every rule', async () => {
    const at: number[] = [];
    const record = await runWith({ ...FAKE_PARTS, scrapeMetrics: async (c) => { at.push(now()); return clusterScrape({ patroni: '4.0.7', scope: c.scope, at: Date.now() }); } });
    expect(record.harnessError).toBeUndefined();
    const firstStep = ofKind(record.events, 'step')[0]?.t ?? NaN;
    const finalRead = ofKind(record.events, 'final-read')[0]?.t ?? NaN;
    expect(at).toHaveLength(2);
    expect(at[0]).toBeLessThan(firstStep);
    expect(at[1]).toBeGreaterThanOrEqual(finalRead);
    expect(record.alerts?.rules).toHaveLength(11);
    expect(record.alerts?.rules.find((r) => r.name === 'PostgresNoLeader')?.can_fire).toBe(false);
    expect(toReportJson(record).alerts).toBe(record.alerts);
  });

  it('does not change the verdict: rules that can never fire are reported, not judged', async () => {
    const without = await runWith(FAKE_PARTS);
    const withAlerts = await runWith({ ...FAKE_PARTS, scrapeMetrics: async (c) => clusterScrape({ patroni: '4.0.7', scope: c.scope }) });
    expect(withAlerts.alerts?.rules.some((r) => r.can_fire === false)).toBe(true);
    expect(runVerdict(withAlerts)).toBe(runVerdict(without));
    expect(runVerdict(withAlerts)).toBe('pass');
    expect(without.alerts).toBeUndefined();
    expect(toReportJson(without).alerts).toBeNull();
  });

  it('a scrape that fails does not fail the run', async () => {
    const record = await runWith({ ...FAKE_PARTS, scrapeMetrics: async () => { throw new Error('metrics endpoint gone'); } });
    expect(record.harnessError).toBeUndefined();
    expect(runVerdict(record)).toBe('pass');
    expect(record.alerts?.scrape.errors[0]?.error).toBe('metrics endpoint gone');
  });
});
