import { chownSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeCredentials } from '../credentials.js';
import { renderEtcdArgs } from './etcd-args.js';
import { renderHaproxyConfig } from './haproxy-config.js';
import { bootDcs } from '../render/dcs.js';
import { renderPatroniConfig } from './patroni-config.js';
import { stagedDataDir } from './pg-template.js';
import type { Topology } from './topology.js';
import type { Binaries, RunAs } from './system.js';

/**
 * Creates the run folder and writes every rendered config into it. Patroni
 * boots with a short loop_wait (bootDcs); the provider sets the scenario's
 * settings once the cluster is healthy.
 */
export function writeRunLayout(t: Topology, bin: Binaries, runAs: RunAs | undefined, template?: string): void {
  mkdirSync(join(t.runDir, 'logs'), { recursive: true });
  for (const m of t.members) {
    mkdirSync(m.socketDir, { recursive: true });
    writeFileSync(m.configFile, renderPatroniConfig(t, m, { binDir: bin.pgBinDir, bootstrapDcs: bootDcs(t.dcs), ...(template === undefined ? {} : { template }) }));
    writeFileSync(m.logFile, '');
    if (runAs !== undefined) {
      for (const p of [m.dir, m.socketDir, m.configFile, m.logFile]) chownSync(p, runAs.uid, runAs.gid);
    }
  }
  for (const e of t.etcd) mkdirSync(e.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(t.haproxy.configFile, renderHaproxyConfig(t));
  writeCredentials(t.runDir, t.credentials);
  writeFileSync(join(t.runDir, 'etcd-args.json'), JSON.stringify(Object.fromEntries(t.etcd.map((e) => [e.name, renderEtcdArgs(t, e)])), null, 2));
}

/** Removes the data (PostgreSQL and etcd), keeping configs and logs for the report. */
export function removeRunData(t: Topology): void {
  for (const m of t.members) rmSync(m.dataDir, { recursive: true, force: true });
  for (const e of t.etcd) rmSync(e.dataDir, { recursive: true, force: true });
  rmSync(t.monitoring.dir, { recursive: true, force: true });
  rmSync(join(stagedDataDir(t.runDir), '..'), { recursive: true, force: true });
}
