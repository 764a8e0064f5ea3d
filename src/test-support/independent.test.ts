import { describe, expect, it } from 'vitest';
import { lastRenewal, parseLog, promotionIn } from './independent.js';

const NEW_LEADER = `2026-11-25 08:03:57,520 WARNING: Request failed to patroni1: GET http://127.0.0.1:7720/patroni
2026-11-25 08:03:57,711 INFO: promoted self to leader by acquiring session lock
server promoting
2026-11-25 08:03:57.714 UTC [8611] LOG:  received promote request
2026-11-25 08:03:57.716 UTC [8611] LOG:  selected new timeline ID: 2
2026-11-25 08:03:57.765 UTC [8607] LOG:  database system is ready to accept connections
2026-11-25 08:03:57,807 INFO: updated leader lock during promote
`;

const OLD_LEADER = `2026-11-25 08:03:32,295 INFO: no action. I am (patroni1), the leader with the lock
2026-11-25 08:03:37,317 INFO: no action. I am (patroni1), the leader with the lock
garbage line
2026-11-25 08:04:10,000 INFO: no action. I am (patroni1), the leader with the lock
`;

const local = (s: string) => new Date(s).getTime();

describe('independent evidence from the components\' logs', () => {
  it('reads Patroni lines in local time and PostgreSQL lines in UTC, skipping the rest', () => {
    const lines = parseLog(NEW_LEADER);
    expect(lines).toHaveLength(6);
    expect(lines[1]).toEqual({ t: local('2026-11-25T08:03:57.711'), text: 'INFO: promoted self to leader by acquiring session lock' });
    expect(lines[3]?.t).toBe(Date.parse('2026-11-25T08:03:57.716Z'));
  });

  it('finds the lock, the new timeline and the first moment as a primary', () => {
    expect(promotionIn(parseLog(NEW_LEADER), 0)).toEqual({
      lockAcquired: local('2026-11-25T08:03:57.711'),
      newTimelineAt: Date.parse('2026-11-25T08:03:57.716Z'),
      timeline: 2,
      readyAt: Date.parse('2026-11-25T08:03:57.765Z'),
    });
  });

  it('says nothing of a member that did not promote, or of a promotion before the fault', () => {
    expect(promotionIn(parseLog(OLD_LEADER), 0)).toBeUndefined();
    expect(promotionIn(parseLog(NEW_LEADER), local('2026-11-25T08:04:00.000'))).toBeUndefined();
    expect(promotionIn([], 0)).toBeUndefined();
  });

  it('finds the last renewal of the key before the fault', () => {
    expect(lastRenewal(parseLog(OLD_LEADER), local('2026-11-25T08:03:40.000'))).toBe(local('2026-11-25T08:03:37.317'));
    expect(lastRenewal(parseLog(OLD_LEADER), local('2026-11-25T08:03:00.000'))).toBeUndefined();
  });
});
