/**
 * `evidence:`: lines a component's log must show for the run's verdict to be
 * allowed to pass. Some set-ups (a pg_rewind cut while its source is lost)
 * happen inside the cluster with no other witness than a log; a run whose
 * set-up did not happen passes on every version and says nothing, so it is
 * `unknown`, never a pass.
 */
import * as z from 'zod';
import { strict } from './zod-issues.js';

/** Whose log: patroni and postgres are a member's (PostgreSQL logs to stderr under Patroni), etcd an etcd member's, haproxy HAProxy's. */
export const LOG_COMPONENTS = ['patroni', 'postgres', 'etcd', 'haproxy'] as const;
export type LogComponent = (typeof LOG_COMPONENTS)[number];

/** `on` naming every log of the component. */
export const ANY_LOG = 'any';

export interface EvidenceSpec {
  log: LogComponent;
  /** `any`, a member / etcd member name, `haproxy`, or the id of a fault step: the members its injection resolved to. */
  on: string;
  /** A JavaScript regular expression, matched against each line. */
  matches: string;
  /** What the line proves happened: the reason a run without it is `unknown`. */
  why: string;
}

const regex = z.string({ error: 'expected a regular expression' }).min(1, { error: 'expected a regular expression' }).superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', input: s, message: `not a regular expression: ${err instanceof Error ? err.message : String(err)}` });
  }
});

const entrySchema = strict({
  log: z.enum(LOG_COMPONENTS, { error: `expected one of ${LOG_COMPONENTS.join(', ')}` }),
  on: z.string({ error: 'expected any, a member name, haproxy or a fault id' }).min(1).default(ANY_LOG),
  matches: regex,
  why: z.string({ error: 'expected what the line proves (shown when it is missing)' }).trim().min(1, { error: 'expected what the line proves (shown when it is missing)' }),
}, 'expected a mapping like {log: patroni, on: any, matches: "...", why: "..."}');

export const evidenceSchema = z.array(entrySchema, { error: 'expected a list of {log, on, matches, why}' });

/** The fault ids a scenario's fault steps define, which `on` may name. */
export function faultIds(steps: readonly { kind: string; id?: string }[]): string[] {
  return steps.flatMap((s) => (s.kind === 'fault' && s.id !== undefined ? [s.id] : []));
}
