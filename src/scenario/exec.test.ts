import { describe, expect, it } from 'vitest';
import type { FaultCatalog } from './catalog.js';
import { formatIssue } from './errors.js';
import { refusalOf } from './test-support.js';
import { execArgv, describeExec, outputTail } from './exec.js';
import { loadScenarioText } from './load.js';
import { checkScenario } from './targets.js';

const catalog = (exec: FaultCatalog['exec']): FaultCatalog => ({
  provider: 'docker', actions: new Map(), members: ['patroni1', 'patroni2', 'patroni3'], etcdMembers: ['etcd1', 'etcd2', 'etcd3'], ...(exec ? { exec } : {}),
});
const load = (steps: string, rest = '') => loadScenarioText(`name: t\n${rest}steps:\n${steps}`, 't.yaml');

describe('the exec step (a runbook command in a container)', () => {
  it('reads a shell string or an argv list, with the defaults written out', () => {
    const s = load('  - exec: { on: replica, command: "patronictl list" }\n  - exec: { on: etcd1, command: [etcdctl, endpoint, health], timeout: 30s, expect_exit: 1 }\n');
    expect(s.steps).toEqual([
      { kind: 'exec', on: 'replica', command: 'patronictl list', timeoutMs: 120_000, expectExit: 0 },
      { kind: 'exec', on: 'etcd1', command: ['etcdctl', 'endpoint', 'health'], timeoutMs: 30_000, expectExit: 1 },
    ]);
  });

  it('says what was expected, at the line, for each malformed part', () => {
    expect(refusalOf(() => load('  - exec: { on: replica }\n  - exec: { on: replica, command: [] }\n  - exec: { on: replica, command: ls, expect_exit: 300, user: root }\n'))).toEqual([
      't.yaml:3:5: steps[0].exec.command: expected a command: a string run by sh -c, or a list [program, arg, ...]',
      't.yaml:4:26: steps[1].exec.command: expected a command: a string run by sh -c, or a list [program, arg, ...]',
      't.yaml:5:39: steps[2].exec.expect_exit: expected an exit code from 0 to 255',
      "t.yaml:5:57: steps[2].exec.user: unknown key 'user' in steps[2].exec; expected one of on, command, timeout, expect_exit, expect",
    ]);
  });

  it('is refused, with the provider\'s reason, where there are no containers; and needs a member or etcd member to run in', () => {
    const s = load('  - exec: { on: replica, command: "patronictl list" }\n  - exec: { on: haproxy, command: ls }\n');
    expect(checkScenario(s, catalog({ supported: false, unsupported: 'its members are processes on this machine, not containers' })).map(formatIssue)).toEqual([
      't.yaml:3:5: steps[0].exec: exec steps are not supported by provider "docker": its members are processes on this machine, not containers',
      't.yaml:4:5: steps[1].exec: exec steps are not supported by provider "docker": its members are processes on this machine, not containers',
    ]);
    expect(checkScenario(s, catalog(undefined)).map(formatIssue)[0]).toMatch(/cannot run commands inside containers/);
    expect(checkScenario(s, catalog({ supported: true })).map(formatIssue)).toEqual([
      't.yaml:4:13: steps[1].exec.on: "haproxy" is not a member or etcd member (expected one of primary, replica, sync-standby, any, patroni1, patroni2, patroni3, etcd-leader, etcd-follower, etcd-majority, etcd-all, etcd1, etcd2, etcd3)',
    ]);
  });

  it('reads what the command must be seen to have done besides its exit code', () => {
    const s = load('  - exec: { on: replica, command: "patronictl reinit {scope} {member} --force", expect: { member_recreated: true, output_excludes: "Failed:" } }\n');
    expect(s.steps).toEqual([{ kind: 'exec', on: 'replica', command: 'patronictl reinit {scope} {member} --force', timeoutMs: 120_000, expectExit: 0, expect: { memberRecreated: true, outputExcludes: 'Failed:' } }]);
    expect(refusalOf(() => load('  - exec: { on: replica, command: ls, expect: { member_recreated: false, output_excludes: "", changed: 1 } }\n'))).toEqual([
      't.yaml:3:49: steps[0].exec.expect.member_recreated: expected true: the member the command ran in must be re-created (leave it out otherwise)',
      't.yaml:3:74: steps[0].exec.expect.output_excludes: expected a text the output must not contain, like "Failed:"',
      "t.yaml:3:95: steps[0].exec.expect.changed: unknown key 'changed' in steps[0].exec.expect; expected one of output_excludes, member_recreated",
    ]);
  });

  it('refuses an empty expect, which would check nothing', () => {
    expect(refusalOf(() => load('  - exec: { on: replica, command: ls, expect: {} }\n'))[0]).toContain('steps[0].exec.expect: expected at least one of output_excludes, member_recreated');
  });

  it('refuses member_recreated on an etcd member, which has no data directory to re-create', () => {
    const s = load('  - exec: { on: etcd1, command: ls, expect: { member_recreated: true } }\n  - exec: { on: replica, command: ls, expect: { member_recreated: true } }\n');
    expect(checkScenario(s, catalog({ supported: true })).map(formatIssue)).toEqual([
      't.yaml:3:47: steps[0].exec.expect.member_recreated: "etcd1" is an etcd member: only a Patroni member (a role like replica, or a name like patroni1) has a data directory to re-create',
    ]);
  });

  it('lets a drill judge its recovery, which needs a fault or a command to recover from', () => {
    expect(load('  - exec: { on: etcd1, command: ls }\n', 'sla: { recovery: "< 5m" }\n').sla.map((l) => l.threshold)).toEqual(['< 5m']);
    expect(refusalOf(() => load('  - sleep: 1s\n', 'sla: { recovery: "< 5m" }\n'))).toEqual([
      't.yaml:2:8: sla.recovery: recovery_ms is measured from the first fault or exec step, and this scenario has neither; add one or remove this line',
    ]);
  });

  it('fills the placeholders, runs a string under sh -c, and never fills {leader} with nothing', () => {
    const v = { scope: 'pgchaos', member: 'patroni2', leader: 'patroni1' };
    expect(execArgv({ command: 'patronictl failover {scope} --candidate {member} --force' }, v)).toEqual(['sh', '-c', 'patronictl failover pgchaos --candidate patroni2 --force']);
    expect(execArgv({ command: ['patronictl', 'reinit', '{scope}', '{member}', '{unknown}'] }, v)).toEqual(['patronictl', 'reinit', 'pgchaos', 'patroni2', '{unknown}']);
    expect(() => execArgv({ command: 'patronictl switchover --leader {leader}' }, { ...v, leader: null })).toThrow(/no member holds the leader key/);
    expect(execArgv({ command: 'patronictl list' }, { ...v, leader: null })).toEqual(['sh', '-c', 'patronictl list']);
  });

  it('reports the end of the output on one line', () => {
    expect(outputTail('a\n\n b \n', 'c\n')).toBe('a / b / c');
    expect(outputTail('Current cluster topology\n+---+\n| patroni1 | Leader |\n+---+\nSuccessfully failed over to "patroni2"\n', '')).toBe('Current cluster topology / Successfully failed over to "patroni2"');
    expect(outputTail('x'.repeat(500), '', 20)).toBe(`…${'x'.repeat(19)}`);
    expect(describeExec({ on: 'replica', command: ['patronictl', 'list'] })).toBe('exec on replica: patronictl list');
  });
});
