import { describe, expect, it } from 'vitest';
import type { KnownFinding } from '../sla/known-findings.js';
import { knownLine } from './run-suites.js';

const finding: KnownFinding = { scenario: 'soak', metric: 'lost_writes', versions: { patroni: '< 3.0.3' }, reason: 'frozen primary retakes its key', reference: 'patroni/patroni#2689', up_to: '60000', fault: 'stop' };

describe('the console line of a known finding (issue 19)', () => {
  it('says what a reproduced finding covers: its bound and its fault', () => {
    expect(knownLine({ finding, status: 'reproduced' })).toBe('    KNOWN FINDING reproduced: lost_writes (up to 60000, in stop faults): frozen primary retakes its key (patroni/patroni#2689); not counted (--strict counts it)\n');
  });

  it('says a finding did not reproduce in this run, without asking to remove it (they are timing-dependent)', () => {
    expect(knownLine({ finding, status: 'absent' })).toBe('    known finding did not reproduce in this run: lost_writes held (patroni/patroni#2689)\n');
  });

  it('says a failure went beyond the finding and counts', () => {
    expect(knownLine({ finding, status: 'exceeded', note: "70000 is beyond known finding's bound up_to 60000" })).toBe("    KNOWN FINDING exceeded, counted: lost_writes: 70000 is beyond known finding's bound up_to 60000 (patroni/patroni#2689)\n");
  });
});
