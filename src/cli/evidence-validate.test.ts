import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refusalOf, removeTempTrees, tempTree } from '../scenario/test-support.js';
import { loadChecked } from './scenario-commands.js';

afterAll(removeTempTrees);

const shipped = (name: string) => join(import.meta.dirname, '../../scenarios', `${name}.yaml`);

const STEPS = 'steps:\n  - wait_for: healthy\n  - fault: { action: kill, target: primary, id: old-primary }\n';
const withEvidence = (entry: string) => {
  const dir = tempTree({ 'e.yaml': `name: e\n${STEPS}evidence:\n  - ${entry}\n` });
  return join(dir, 'e.yaml');
};

/** A cluster file whose members each name a container, but for `bare`. */
function clusterFile(bare: string[] = []): string {
  const member = (n: number) => `  - { name: patroni${n}, postgres: "10.0.0.${n}:5432", rest: "http://10.0.0.${n}:8008"${bare.includes(`patroni${n}`) ? '' : `, container: c-patroni${n}`} }`;
  const dir = tempTree({ pw: 'x\n' });
  const file = join(dir, 'c.yaml');
  writeFileSync(file, [
      'scope: c', 'allow_faults: true', 'iptables: false',
      'haproxy: { primary: "127.0.0.1:5000", replicas: "127.0.0.1:5001", container: c-haproxy }',
      'credentials:', '  superuser: { username: postgres, password_file: PW }', '  rest: { username: patroni, password_file: PW }',
      'members:', member(1), member(2), member(3),
      'etcd:', '  - { name: etcd1, url: "http://10.0.0.21:2379", container: c-etcd1 }', '',
    ].join('\n').replaceAll('PW', join(dir, 'pw')));
  return file;
}

describe('validate: evidence (a set-up only a log can prove)', () => {
  it('docker and local accept the rewind scenarios, whose line must be on the old primary', () => {
    for (const provider of ['docker', 'local']) {
      expect(refusalOf(() => loadChecked([shipped('interrupted-rewind-leader-lost'), shipped('interrupted-rewind')], [], provider))).toEqual([]);
    }
  });

  it('refuses a role: the logs are read after the run, when "primary" names another member', () => {
    const file = withEvidence('{ log: patroni, on: primary, matches: "x", why: "y" }');
    expect(refusalOf(() => loadChecked([file], [], 'docker'))).toEqual([
      `${file}:6:21: evidence[0].on: "primary" is a role, resolved when a step runs, but the logs are read after the run; name a member, or the id of the fault whose target it was (expected any, patroni1, patroni2, patroni3, or a fault id (old-primary))`,
    ]);
  });

  it('refuses a haproxy line on the seeds topology, whose HAProxy pair has no log named haproxy (every run would be unknown)', () => {
    const dir = tempTree({ 'e.yaml': `name: e\ncluster: { topology: seeds }\n${STEPS}evidence:\n  - { log: haproxy, on: any, matches: "x", why: "y" }\n` });
    const file = join(dir, 'e.yaml');
    expect(refusalOf(() => loadChecked([file], [], 'docker'))).toEqual([
      `${file}:7:7: evidence[0].log: the seeds topology runs two HAProxies (haproxy1, haproxy2) whose logs are not searched for evidence; look for the line in a patroni, postgres or etcd log, or run the minimal topology`,
    ]);
    expect(refusalOf(() => loadChecked([withEvidence('{ log: haproxy, on: any, matches: "x", why: "y" }')], [], 'docker'))).toEqual([]);
  });

  it('refuses a name that has no log of that component, and a regular expression that does not compile', () => {
    const file = withEvidence('{ log: etcd, on: patroni1, matches: "x", why: "y" }');
    expect(refusalOf(() => loadChecked([file], [], 'docker'))[0]).toMatch(/evidence\[0\]\.on: "patroni1" names no etcd log \(expected any, etcd1, etcd2, etcd3, or a fault id \(old-primary\)\)$/);
    const bad = withEvidence('{ log: patroni, matches: "(unclosed", why: "y" }');
    expect(refusalOf(() => loadChecked([bad], [], 'docker'))[0]).toMatch(/evidence\[0\]\.matches: not a regular expression: /);
    const noWhy = withEvidence('{ log: patroni, matches: "x" }');
    expect(refusalOf(() => loadChecked([noWhy], [], 'docker'))[0]).toMatch(/evidence\[0\]\.why: expected what the line proves \(shown when it is missing\)$/);
  });

  it('external: refuses a member log when the cluster file names no container for a member, naming the file and the field', () => {
    const c = clusterFile(['patroni2']);
    const file = withEvidence('{ log: patroni, on: old-primary, matches: "x", why: "y" }');
    // (The kill is refused too: no container to kill.)
    expect(refusalOf(() => loadChecked([file], [], 'external', c)).filter((l) => l.includes('evidence['))).toEqual([
      `${file}:6:7: evidence[0].log: provider "external" cannot read the patroni logs: ${c} names no container for patroni2 (members[1].container): the harness reads logs with docker logs`,
    ]);
    // etcd and HAProxy name their containers: their logs can be read.
    expect(refusalOf(() => loadChecked([withEvidence('{ log: etcd, matches: "x", why: "y" }')], [], 'external', c)).filter((l) => l.includes('evidence['))).toEqual([]);
  });

  it('external: accepts it when every member names its container', () => {
    expect(refusalOf(() => loadChecked([withEvidence('{ log: postgres, on: patroni3, matches: "x", why: "y" }')], [], 'external', clusterFile()))).toEqual([]);
  });
});
