import type { Outcome } from '../history/events.js';

/**
 * SQLSTATEs that prove the INSERT was not applied: the server refused it
 * before any commit could happen. Anything else that goes wrong after the
 * statement was sent may have committed (a backend terminated while waiting
 * for synchronous replication has already committed locally), so it is
 * `info`, never `fail`: Jepsen's rule.
 */
const CERTAINLY_NOT_APPLIED = new Set([
  '25006', // read_only_sql_transaction: reached a replica or a demoted primary
  '23505', // unique_violation
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '57P03', // cannot_connect_now: starting up or shutting down
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name
]);

/** Outcome of a write whose statement had been sent when `err` occurred. */
export function outcomeAfterSend(err: unknown): Outcome {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CERTAINLY_NOT_APPLIED.has(code)) return 'fail';
  if (typeof code === 'string' && /^(42|22)/.test(code)) return 'fail'; // syntax / data errors: rejected at parse or bind
  return 'info';
}
