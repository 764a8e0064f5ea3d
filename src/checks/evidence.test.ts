import { describe, expect, it } from 'vitest';
import type { EvidenceEvent, HistoryEvent } from '../history/events.js';
import type { EvidenceSpec } from '../scenario/evidence.js';
import type { Scenario } from '../scenario/types.js';
import type { SlaRequirement } from '../sla/types.js';
import { checkEvidence, evidenceResults } from './evidence.js';
import { judge } from './judge.js';
import { cleanFailover, scenario } from './test-support.js';

const LOST = 'Failed to rewind because primary \\S+ become unreachable';
const lost: EvidenceSpec = { log: 'patroni', on: 'f1', matches: LOST, why: 'the rewind was cut and the leader was lost' };
const members = ['pg1', 'pg2', 'pg3'];

function withEvidence(evidence: EvidenceSpec[], sla: SlaRequirement[] = []): Scenario {
  return { ...scenario(sla), evidence };
}

/** What the runner records for entry `index`: every member's log read, `seen` the matches. */
function scan(index: number, spec: EvidenceSpec, seen: EvidenceEvent['seen'], o: { read?: string[]; missing?: string[] } = {}): EvidenceEvent {
  return { kind: 'evidence', t: 20_000, index, log: spec.log, matches: spec.matches, read: o.read ?? members, missing: o.missing ?? [], seen };
}

const line = (source: string) => ({ source, line: `2025-06-01 10:00:00,123 WARNING: Failed to rewind because primary ${source === 'pg1' ? 'pg2' : 'pg1'} become unreachable`, at: 1000, count: 1 });

/** cleanFailover kills pg1 as fault f1 and passes every line judged in every run. */
function passingRun(...extra: HistoryEvent[]): HistoryEvent[] {
  const h = cleanFailover();
  h.finalRead(11_500, h.okKeys());
  return [...h.events, ...extra];
}

const opts = { versions: { postgres: '17', patroni: '4.0.7', etcd: '3.5', haproxy: '3.0' }, deferStats: false, knownFindings: [], strict: false };

describe('evidence: the set-up happened, or the verdict may not pass', () => {
  it('turns a run that passes every line into error when the line was never seen', () => {
    const events = passingRun(scan(0, lost, []));
    expect(judge(scenario([]), events, opts).verdict).toBe('pass');
    const a = judge(withEvidence([lost]), events, opts);
    expect(a.verdict).toBe('error');
    expect(a.checks.find((c) => c.name === 'evidence')).toEqual({
      name: 'evidence', valid: 'unknown',
      error: `the set-up did not happen: the rewind was cut and the leader was lost (no line of the patroni log of pg1 (f1) matches /${LOST}/)`,
    });
  });

  it('lets it pass when the line is in the log of the member the fault acted on', () => {
    const a = judge(withEvidence([lost]), passingRun(scan(0, lost, [line('pg1')])), opts);
    expect(a.verdict).toBe('pass');
    expect(evidenceResults(withEvidence([lost]), passingRun(scan(0, lost, [line('pg1')])))).toEqual([
      { ...lost, seen: true, looked_in: ['pg1'], source: 'pg1', line: line('pg1').line, at: 1000 },
    ]);
  });

  it('keeps a real failure a failure: a missing line does not hide a violated line', () => {
    const h = cleanFailover();
    h.finalRead(11_500, h.okKeys().slice(1));
    expect(judge(withEvidence([lost]), [...h.events, scan(0, lost, [])], opts).verdict).toBe('fail');
  });

  it('no log at all: every log missing is unknown, not "no match"', () => {
    const out = checkEvidence(withEvidence([lost]), passingRun(scan(0, lost, [], { read: [], missing: members })));
    expect(out.valid).toBe('unknown');
    expect(out.error).toContain('no patroni log of pg1 (f1) to search');
  });

  it('no search recorded at all (the run never got its logs): unknown', () => {
    const out = checkEvidence(withEvidence([lost]), passingRun());
    expect(out).toMatchObject({ valid: 'unknown' });
    expect(out.error).toContain('the logs were never searched for it');
  });

  it('the line on another member than the one `on` names is no proof', () => {
    const out = checkEvidence(withEvidence([lost]), passingRun(scan(0, lost, [line('pg2')])));
    expect(out.valid).toBe('unknown');
    expect(out.error).toContain('matched in the patroni log of pg2 only, not of pg1 (f1)');
    // Named by member rather than by fault, the same.
    expect(checkEvidence(withEvidence([{ ...lost, on: 'pg1' }]), passingRun(scan(0, { ...lost, on: 'pg1' }, [line('pg2')]))).valid).toBe('unknown');
  });

  it('`any` takes the line from whichever log has it', () => {
    const any = { ...lost, on: 'any' };
    expect(checkEvidence(withEvidence([any]), passingRun(scan(0, any, [line('pg3')])))).toEqual({ metrics: {}, valid: true });
  });

  it('two entries, one missing: unknown, naming only the missing one', () => {
    const healthy: EvidenceSpec = { log: 'patroni', on: 'any', matches: 'Failed to rewind from healthy primary', why: 'the rewind failed with its source reachable' };
    const out = checkEvidence(withEvidence([lost, healthy]), passingRun(scan(0, lost, [line('pg1')]), scan(1, healthy, [])));
    expect(out.valid).toBe('unknown');
    expect(out.error).toMatch(/^the set-up did not happen: the rewind failed with its source reachable \(/);
    expect(out.error).not.toContain('leader was lost');
  });

  it('a fault that was never injected (or failed) names no member: unknown', () => {
    const h = passingRun(scan(0, { ...lost, on: 'never' }, [line('pg1')]));
    const out = checkEvidence(withEvidence([{ ...lost, on: 'never' }]), h);
    expect(out.valid).toBe('unknown');
    expect(out.error).toContain('fault never was never injected');
    const failed: HistoryEvent = { kind: 'fault', t: 4000, phase: 'inject', id: 'bad', action: 'kill', target: 'primary', resolved: ['pg1'], error: 'no process' };
    expect(checkEvidence(withEvidence([{ ...lost, on: 'bad' }]), [failed, scan(0, { ...lost, on: 'bad' }, [line('pg1')])]).valid).toBe('unknown');
  });

  it('a search recorded for another expression (the scenario edited since) proves nothing', () => {
    const edited = { ...lost, matches: 'Failed to rewind' };
    expect(checkEvidence(withEvidence([lost]), passingRun(scan(0, edited, [line('pg1')]))).valid).toBe('unknown');
  });

  it('a scenario without evidence is not held to any', () => {
    expect(checkEvidence(scenario([]), passingRun())).toEqual({ metrics: {}, valid: true });
  });
});
