import { describe, expect, it } from 'vitest';
import { buildTopology } from './topology.js';
import { renderEtcdArgs } from './etcd-args.js';

describe('renderEtcdArgs', () => {
  const t = buildTopology({ runId: 'r1', runRoot: '/tmp/pc', portBase: 7000 }, {});
  const args = renderEtcdArgs(t, t.etcd[2]!);

  it('starts a static three-member cluster unique to the run', () => {
    expect(args).toContain('--initial-cluster=etcd1=http://127.0.0.1:7040,etcd2=http://127.0.0.1:7041,etcd3=http://127.0.0.1:7042');
    expect(args).toContain('--initial-cluster-token=r1');
  });

  it('listens on its own client and peer ports and keeps data in the run folder', () => {
    expect(args).toEqual(expect.arrayContaining(['--name=etcd3', '--listen-client-urls=http://127.0.0.1:7032', '--listen-peer-urls=http://127.0.0.1:7042', '--data-dir=/tmp/pc/r1/etcd3']));
  });
});
