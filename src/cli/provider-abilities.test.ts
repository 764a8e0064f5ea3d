import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../scenario/test-support.js';
import { loadChecked } from './scenario-commands.js';

const scenario = (name: string) => join(import.meta.dirname, '../../scenarios', `${name}.yaml`);

describe('validate: kill-patroni and packet loss by provider (issue 20)', () => {
  it('docker accepts kill-patroni-on-primary (Patroni runs under tini) and lossy-replication (iptables statistic)', () => {
    expect(refusalOf(() => loadChecked([scenario('kill-patroni-on-primary'), scenario('lossy-replication')], [], 'docker'))).toEqual([]);
  });

  it('local refuses packet loss and says why', () => {
    const refused = refusalOf(() => loadChecked([scenario('lossy-replication')], [], 'local'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/lossy-replication\.yaml:\d+:\d+: steps\[2\]\.fault\.action: fault "drop-packets" is not supported by provider "local": its links are TCP proxies \(Toxiproxy\), which carry streams, not packets, and this kernel has no netem/);
  });
});
