import { describe, expect, it } from 'vitest';
import { REPO } from '../test-support/cli.js';
import { refusalOf } from '../scenario/test-support.js';
import { isRecord } from '../scenario/data.js';
import type { Scenario } from '../scenario/types.js';
import { effectiveDcs } from '../cluster/render/dcs.js';
import { RELEASES } from '../cluster/docker/releases.js';
import { loadChecked } from './scenario-commands.js';

const FILE = `${REPO}scenarios/lost-slot.yaml`;
const MB = 1024 ** 2;
/** PostgreSQL's default WAL segment, the unit pg_switch_wal() moves by. */
const SEGMENT = 16 * MB;

function load(sets: string[] = []): Scenario {
  const scenario = loadChecked([FILE], sets, 'docker')[0]?.scenarios[0];
  if (scenario === undefined) throw new Error('no scenario loaded');
  return scenario;
}

function megabytes(v: unknown): number {
  const m = /^(\d+)MB$/.exec(String(v));
  if (m === null) throw new Error(`expected a size like 128MB, got ${String(v)}`);
  return Number(m[1]) * MB;
}

const commands = (s: Scenario) => s.steps.flatMap((step) => (step.kind === 'exec' && typeof step.command === 'string' ? [step.command] : []));

describe('scenarios/lost-slot.yaml (patroni#3659)', () => {
  it('validates on docker for every release; the local provider refuses its exec steps', () => {
    for (const release of RELEASES) expect(refusalOf(() => load([`cluster.release=${release}`])), release).toEqual([]);
    expect(refusalOf(() => loadChecked([FILE], [], 'local')).join('\n')).toContain('exec steps are not supported by provider "local"');
  });

  // The set-up step fails on every version when the slot is not passed by more WAL than PostgreSQL keeps:
  // a raised wal_keep_size in the harness's defaults must show here, not as a failed run.
  it('makes the slot its cluster declares lost: more WAL switched than PostgreSQL keeps for any slot', () => {
    const scenario = load();
    const slots = scenario.cluster.patroni['slots'];
    expect(isRecord(slots)).toBe(true);
    const names = Object.keys(slots as Record<string, unknown>);
    expect(names).toHaveLength(1);
    for (const command of commands(scenario).filter((c) => c.includes('pg_replication_slots'))) expect(command).toContain(`slot_name = '${names[0]}'`);

    const switches = commands(scenario).map((c) => /FOR i IN 1\.\.(\d+) LOOP\s+PERFORM pg_logical_emit_message\([^)]*\);\s+PERFORM pg_switch_wal\(\);/.exec(c)?.[1]).find((n) => n !== undefined);
    expect(switches).toBeDefined();
    const params = (effectiveDcs(scenario.cluster.replication, scenario.cluster.patroni)['postgresql'] as { parameters: Record<string, unknown> }).parameters;
    // PostgreSQL keeps WAL for a slot up to max_slot_wal_keep_size, but never less than wal_keep_size;
    // the slot's restart_lsn lies anywhere in its segment, hence one segment more.
    const kept = Math.max(megabytes(params['wal_keep_size']), megabytes(params['max_slot_wal_keep_size']));
    expect(Number(switches) * SEGMENT).toBeGreaterThan(kept + SEGMENT);
  });
});
