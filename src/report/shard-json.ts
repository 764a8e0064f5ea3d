/**
 * shard.json: what a `--shard i/N` run writes beside its suite's summary so
 * that merge-reports can put the shards back together as one suite, and
 * refuse pieces that are not of the same command (another suite, release,
 * harness version, unit list) or that leave a run out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KnownFinding } from '../sla/known-findings.js';
import type { SlaRequirement } from '../sla/types.js';
import { ReportFolderError } from './read-reports.js';

export const SHARD_FILE = 'shard.json';

export interface ShardJson {
  suite: string;
  /** The upgrade side (verify-upgrade --shard), or null for `run --shard`. */
  side: 'before' | 'after' | null;
  shard: { index: number; total: number };
  harness_version: string;
  provider: string;
  /** cluster.release of the suite's scenarios; empty for providers that run what the machine has. */
  releases: string[];
  iterations: number;
  strict: boolean;
  /** Every run of the suite (of this side) over all the shards, in run order; `dir` names its report folder. */
  units: Array<{ scenario: string; position: number; iteration: number; dir: string }>;
  units_hash: string;
  /** The units this shard ran, by `dir`. */
  ran: string[];
  /** Per scenario of the suite, in order: what judging its lines over the iterations needs once all shards are in. */
  scenarios: Array<{ name: string; position: number; file: string | null; over_iterations: SlaRequirement[]; known_findings: KnownFinding[] }>;
}

/** The fields every shard of one command has alike; a piece differing in one is not of the same command. */
export const SAME_IN_EVERY_SHARD = ['suite', 'side', 'harness_version', 'provider', 'releases', 'iterations', 'strict', 'units_hash'] as const satisfies ReadonlyArray<keyof ShardJson>;

export function readShardJson(dir: string): ShardJson {
  const file = join(dir, SHARD_FILE);
  if (!existsSync(file)) throw new ReportFolderError(`${dir}: no ${SHARD_FILE}; merge-reports takes the folders of runs made with --shard i/N`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ReportFolderError(`${file}: not readable JSON`, { cause: err });
  }
  const s = data as Partial<ShardJson>;
  if (typeof s.suite !== 'string' || !Array.isArray(s.units) || !Array.isArray(s.ran) || typeof s.shard?.index !== 'number' || typeof s.shard.total !== 'number' || !Array.isArray(s.scenarios)) {
    throw new ReportFolderError(`${file}: not a patroni-chaos shard.json (suite, shard, units, ran, scenarios)`);
  }
  return s as ShardJson;
}
