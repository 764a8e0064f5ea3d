/**
 * The step from boot settings to the scenario's: a local cluster boots with a
 * short loop_wait (bootDcs), and before the provider hands it over the
 * scenario's settings go in through PATCH /config and are checked twice over:
 * in the DCS, through every member's GET /config, and in what each member
 * applied, the dynamic configuration Patroni 3.0 saves in its data directory
 * (patroni.dynamic.json) in the very HA loop that takes the change in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getConfig, patchConfig, wakeHaLoop, type RestAuth } from './patroni-api.js';
import { bootDcs, dcsMismatches, dcsPatch } from './render/dcs.js';
import type { DcsInForce } from './types.js';
import { pollUntil } from './wait/poll.js';
import { now } from '../history/clock.js';

export const APPLIED_DCS_FILE = 'patroni.dynamic.json';

/** A member's dynamic configuration as it last applied it, from its saved text; undefined before it saved one. */
export function parseAppliedDcs(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined; // being replaced as it was read: the check is retried
  }
}

/** The applied configuration in a data directory this process can read (the local provider's). */
export function appliedDcsIn(dataDir: string): () => Promise<Record<string, unknown> | undefined> {
  return async () => {
    try {
      return parseAppliedDcs(readFileSync(join(dataDir, APPLIED_DCS_FILE), 'utf8'));
    } catch {
      return undefined; // not written yet: the check is retried
    }
  };
}

export interface MemberDcs {
  member: string;
  /** GET /config on the member (the DCS's copy). */
  config: Record<string, unknown>;
  /** What the member applied; undefined when it has saved none yet. */
  applied: Record<string, unknown> | undefined;
}

/** true when every member's GET /config and applied configuration hold `expected`, else the first differences. */
export function inForce(expected: Record<string, unknown>, seen: readonly MemberDcs[]): true | string {
  const problems = seen.flatMap((s) => {
    const inDcs = dcsMismatches(expected, s.config).map((d) => `${s.member} GET /config ${d}`);
    if (s.applied === undefined) return [...inDcs, `${s.member} has applied no dynamic configuration yet`];
    return [...inDcs, ...dcsMismatches(expected, s.applied).map((d) => `${s.member} applied ${d}`)];
  });
  return problems.length === 0 ? true : `scenario settings not in force yet: ${problems.slice(0, 4).join('; ')}`;
}

export interface ScenarioDcsTarget {
  /** The scenario's settings (what the cluster must run with). */
  dcs: Record<string, unknown>;
  /** `applied` reads what the member last applied (its data directory's patroni.dynamic.json). */
  members: readonly { name: string; restUrl: string; applied: () => Promise<Record<string, unknown> | undefined> }[];
  auth: RestAuth;
}

/**
 * Sets the scenario's settings where the boot ones differ, and wakes the
 * other members' HA loops so that they apply them now rather than up to a
 * boot loop_wait later (one that does not wake applies them on its next loop).
 */
export async function sendScenarioDcs(t: ScenarioDcsTarget): Promise<void> {
  const patch = dcsPatch(t.dcs, bootDcs(t.dcs));
  const first = t.members[0];
  if (first === undefined) throw new Error('a cluster without members has no settings to apply');
  if (Object.keys(patch).length === 0) return;
  await patchConfig(first.restUrl, t.auth, patch);
  await Promise.all(t.members.slice(1).map((m) => wakeHaLoop(m.restUrl, t.auth, patch)));
}

/** sendScenarioDcs started now, for applyScenarioDcs's `sent`: whether it went, never a rejection left unhandled meanwhile. */
export function sendEarly(t: ScenarioDcsTarget): Promise<boolean> {
  return sendScenarioDcs(t).then(() => true, () => false);
}

/**
 * Waits until every member runs with the scenario's settings (within one boot
 * loop_wait, as each member's next HA loop reads the DCS), sending them first
 * unless `sent` (sendEarly) says they went already; a send that failed is made again.
 * Fails with the differences on timeout.
 */
export async function applyScenarioDcs(t: ScenarioDcsTarget, o: { timeoutMs: number; intervalMs?: number; sent?: Promise<boolean>; onTimeout?: () => string }): Promise<DcsInForce> {
  const boot = bootDcs(t.dcs);
  const patch = dcsPatch(t.dcs, boot);
  const first = t.members[0];
  if (first === undefined) throw new Error('a cluster without members has no settings to apply');
  if (!(await o.sent ?? false)) await sendScenarioDcs(t);
  let config: Record<string, unknown> = {};
  await pollUntil(async () => {
    const seen = await Promise.all(t.members.map(async (m): Promise<MemberDcs> => ({
      member: m.name, config: await getConfig(m.restUrl), applied: await m.applied(),
    })));
    config = seen[0]?.config ?? {};
    return inForce(t.dcs, seen);
  }, { timeoutMs: o.timeoutMs, intervalMs: o.intervalMs ?? 100, what: "the scenario's Patroni settings in force on every member", ...(o.onTimeout ? { onTimeout: o.onTimeout } : {}) });
  return {
    // The history's clock, so that report.md compares it with the first step's time on one clock.
    verifiedAt: new Date(now()).toISOString(),
    boot: Object.fromEntries(Object.keys(patch).map((k) => [k, boot[k]])),
    values: { ttl: Number(config['ttl']), loop_wait: Number(config['loop_wait']), retry_timeout: Number(config['retry_timeout']) },
    configFrom: first.name,
    appliedOn: t.members.map((m) => m.name),
  };
}

/** For the progress line: the settings in force and what the cluster booted with instead. */
export function describeInForce(f: DcsInForce): string {
  const v = f.values;
  const boot = Object.entries(f.boot).map(([k, x]) => `${k} ${String(x)}`).join(', ');
  return `ttl ${v.ttl}, loop_wait ${v.loop_wait}, retry_timeout ${v.retry_timeout}${boot ? ` (booted with ${boot})` : ''}`;
}
