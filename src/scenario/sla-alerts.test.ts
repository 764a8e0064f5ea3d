import { describe, expect, it } from 'vitest';
import { promDurationMs } from '../alerts/rules.js';
import { loadScenarioText } from './load.js';
import { issuesOf } from './test-support.js';

const withFault = (extra: string) => `name: s\nsteps:\n  - fault: { action: kill, target: primary }\n${extra}`;
const load = (text: string) => loadScenarioText(text, 's.yaml');

describe('sla.alerts', () => {
  it('reads "fires within D" and "never fires" for documented rules, beside the metric lines', () => {
    const s = load(withFault('sla:\n  rto: "< 30s"\n  alerts: { PostgresNoLeader: "fires within 90s", EtcdQuorumLost: never fires }\n'));
    expect(s.alertSla).toEqual([
      { rule: 'PostgresNoLeader', expect: { kind: 'fires-within', ms: 90_000 }, threshold: 'fires within 90s' },
      { rule: 'EtcdQuorumLost', expect: { kind: 'never-fires' }, threshold: 'never fires' },
    ]);
    expect(s.sla.map((r) => r.metric)).toEqual(['rto_ms']);
  });

  it('alert lines alone keep the default profile\'s metric lines', () => {
    const s = load(withFault('sla:\n  alerts: { PostgresNoLeader: "fires within 2m" }\n'));
    expect(s.sla.map((r) => r.metric)).toEqual(['rto_ms', 'lost_writes', 'max_concurrent_primaries']);
    expect(s.alertSla?.[0]?.expect).toEqual({ kind: 'fires-within', ms: 120_000 });
  });

  it('refuses a rule the documents do not have, naming the file, the field and what was expected', () => {
    const lines = issuesOf(() => load(withFault('sla:\n  alerts: { PostgresNoLeadr: "fires within 90s" }\n')));
    expect(lines.join('\n')).toMatch(/s\.yaml.*sla\.alerts\.PostgresNoLeadr.*unknown alert rule 'PostgresNoLeadr'; expected one of the documented rules \(scenarios\/alerts\/\): PostgresNoLeader, .*EtcdQuorumLost.*did you mean 'PostgresNoLeader'/s);
  });

  it('refuses a line it cannot read, and a mapping of nothing', () => {
    expect(issuesOf(() => load(withFault('sla:\n  alerts: { PostgresNoLeader: "fires in 90s" }\n'))).join('\n')).toMatch(/sla\.alerts\.PostgresNoLeader.*expected "fires within <duration>"/s);
    expect(issuesOf(() => load(withFault('sla:\n  alerts: { PostgresNoLeader: "fires within soon" }\n'))).join('\n')).toMatch(/expected a duration/);
    expect(issuesOf(() => load(withFault('sla:\n  alerts: { PostgresNoLeader: 90 }\n'))).join('\n')).toMatch(/expected "fires within/);
    expect(issuesOf(() => load(withFault('sla:\n  alerts: {}\n'))).join('\n')).toMatch(/sla\.alerts.*expected a mapping of documented alert rule/s);
  });

  it('refuses "fires within D" with D not longer than the rule\'s for: (it can only fail), naming the file, the field and what was expected', () => {
    const lines = issuesOf(() => load(withFault('sla:\n  alerts: { PostgresNoLeader: "fires within 30s" }\n'))).join('\n');
    expect(lines).toMatch(/s\.yaml.*sla\.alerts\.PostgresNoLeader.*"fires within 30s" cannot pass: PostgresNoLeader \(scenarios\/alerts\/postgresql-alerts\.yml\) fires only once its condition has held for its for: 1m.*expected a duration longer than 1m/s);
    expect(issuesOf(() => load(withFault('sla:\n  alerts: { PostgresNoLeader: "fires within 1m" }\n'))).join('\n')).toMatch(/cannot pass/);
    expect(load(withFault('sla:\n  alerts: { PostgresNoLeader: "fires within 61s" }\n')).alertSla).toHaveLength(1);
    expect(load(withFault('sla:\n  alerts: { PostgresNoLeader: never fires }\n')).alertSla).toHaveLength(1);
  });

  it('Prometheus durations of for:', () => {
    expect([promDurationMs('1m'), promDurationMs('1h30m'), promDurationMs('500ms'), promDurationMs('30s'), promDurationMs('1d'), promDurationMs(''), promDurationMs('1.5m')]).toEqual([60_000, 5_400_000, 500, 30_000, 86_400_000, null, null]);
  });

  it('refuses "fires within" in a scenario without a fault: there is nothing to time it from', () => {
    expect(issuesOf(() => load('name: q\nsteps:\n  - sleep: 1s\nsla:\n  alerts: { PostgresNoLeader: "fires within 90s" }\n')).join('\n')).toMatch(/sla\.alerts\.PostgresNoLeader.*timed from the first fault/s);
    expect(load('name: q\nsteps:\n  - sleep: 1s\nsla:\n  alerts: { PostgresNoLeader: never fires }\n').alertSla).toHaveLength(1);
  });
});
