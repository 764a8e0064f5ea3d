import { HOST, type EtcdSpec, type Topology } from './topology.js';

/** Command-line flags of one etcd 3.4 member of the run's static cluster. */
export function renderEtcdArgs(t: Topology, e: EtcdSpec): string[] {
  const initialCluster = t.etcd.map((p) => `${p.name}=http://${HOST}:${p.peerPort}`).join(',');
  return [
    `--name=${e.name}`,
    `--data-dir=${e.dataDir}`,
    `--listen-client-urls=http://${HOST}:${e.clientPort}`,
    `--advertise-client-urls=http://${HOST}:${e.clientPort}`,
    `--listen-peer-urls=http://${HOST}:${e.peerPort}`,
    `--initial-advertise-peer-urls=http://${HOST}:${e.peerPort}`,
    `--initial-cluster=${initialCluster}`,
    `--initial-cluster-token=${t.runId}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
  ];
}
