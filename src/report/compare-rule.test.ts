import { describe, expect, it } from 'vitest';
import { classifyLine, classifyMetric, classifyVerdicts, countStatuses, distribution, TIME_FLOOR_MS } from './compare-rule.js';

const d = (...values: Array<number | null>) => distribution(values);
const s = (...statuses: string[]) => countStatuses(statuses);

describe('classifyMetric: the before side range is the noise band', () => {
  it('calls equal distributions and noise inside the before range the same', () => {
    expect(classifyMetric(d(20_000, 22_000, 25_000), d(20_000, 22_000, 25_000), TIME_FLOOR_MS)).toEqual({ class: 'same' });
    expect(classifyMetric(d(20_000, 22_000, 25_000), d(24_000, 24_500, 30_000), TIME_FLOOR_MS)).toEqual({ class: 'same' });
    // Above the before worst, but by less than the floor: timing noise.
    expect(classifyMetric(d(20_000, 22_000, 25_000), d(25_800, 25_800, 25_800), TIME_FLOOR_MS)).toEqual({ class: 'same' });
  });

  it('regresses only when the after median passes the before worst by more than the floor', () => {
    expect(classifyMetric(d(20_000, 22_000, 25_000), d(26_100, 26_200, 19_000), TIME_FLOOR_MS)).toEqual({ class: 'regressed' });
    // One bad after run does not move the median.
    expect(classifyMetric(d(20_000, 22_000, 25_000), d(21_000, 22_000, 60_000), TIME_FLOOR_MS)).toEqual({ class: 'same' });
  });

  it('improves only when the after median beats the before best by more than the floor', () => {
    expect(classifyMetric(d(20_000, 22_000, 25_000), d(18_500, 18_900, 30_000), TIME_FLOOR_MS)).toEqual({ class: 'improved' });
    expect(classifyMetric(d(20_000, 22_000, 25_000), d(19_500, 19_500, 19_500), TIME_FLOOR_MS)).toEqual({ class: 'same' });
  });

  it('takes any count above the before worst as a regression (floor 0), and a count inside the before range as the same', () => {
    expect(classifyMetric(d(0, 0, 0), d(0, 1, 1), 0)).toEqual({ class: 'regressed' });
    expect(classifyMetric(d(0, 0, 0), d(0, 0, 3), 0)).toEqual({ class: 'same' });
    expect(classifyMetric(d(0, 2, 0), d(1, 1, 1), 0)).toEqual({ class: 'same' });
    expect(classifyMetric(d(2, 2), d(0, 0), 0)).toEqual({ class: 'improved' });
  });

  it('does not compare a metric one side did not measure, and says which', () => {
    expect(classifyMetric(null, d(1), 0)).toEqual({ class: 'not compared', note: 'not measured before' });
    expect(classifyMetric(d(1), null, 0)).toEqual({ class: 'not compared', note: 'not measured after' });
    expect(d(null, null)).toBeNull();
  });

  it('judges on the runs that measured it, and says how many did', () => {
    expect(d(10, null, 30)).toEqual({ runs: 3, measured: 2, min: 10, median: 10, max: 30 });
    expect(classifyMetric(d(10_000, null, 12_000), d(11_000), TIME_FLOOR_MS)).toEqual({ class: 'same', note: 'measured in 2 of 3 runs before' });
  });
});

describe('classifyLine: findings', () => {
  it('a line failing after that never failed before is a new finding, also in a scenario not run before', () => {
    expect(classifyLine(s('pass', 'pass'), s('pass', 'fail'))).toEqual({ class: 'new finding' });
    expect(classifyLine(null, s('fail'))).toEqual({ class: 'new finding', note: 'not judged before' });
  });

  it('a line failing or excused before and passing in every run after is a fixed finding', () => {
    expect(classifyLine(s('known', 'pass'), s('pass', 'pass'))).toEqual({ class: 'fixed finding' });
    expect(classifyLine(s('fail'), s('pass'))).toEqual({ class: 'fixed finding' });
    expect(classifyLine(s('known'), s('pass', 'known'))).toEqual({ class: 'same', note: 'still failing' });
  });

  it('does not count a known finding reproducing after, as run does not', () => {
    expect(classifyLine(s('pass'), s('known'))).toEqual({ class: 'same', note: 'a known finding reproduced after, not counted (as in run)' });
  });

  it('says when a failure moves in or out of a known finding', () => {
    expect(classifyLine(s('known'), s('fail'))).toEqual({ class: 'same', note: 'still failing; excused before as a known finding, counted after' });
    expect(classifyLine(s('fail'), s('known'))).toEqual({ class: 'same', note: 'still failing; excused after as a known finding' });
  });

  it('does not compare what had no evidence, and counts statuses it does not know as unknown', () => {
    expect(classifyLine(s('pass'), s('unknown'))).toEqual({ class: 'not compared', note: 'no evidence after (unknown)' });
    expect(classifyLine(s('unknown'), s('pass'))).toEqual({ class: 'not compared', note: 'no evidence before (unknown)' });
    expect(s('pass', 'maybe')).toEqual({ runs: 2, pass: 1, known: 0, fail: 0, unknown: 1 });
    // A real failure after still counts next to an unknown.
    expect(classifyLine(s('pass'), s('unknown', 'fail'))).toEqual({ class: 'new finding' });
  });

  it('calls a line passing on both sides the same', () => {
    expect(classifyLine(s('pass', 'pass'), s('pass'))).toEqual({ class: 'same' });
  });
});

describe('classifyVerdicts', () => {
  it('an after side that could not be judged, where the before side could, is a new finding', () => {
    expect(classifyVerdicts(0, 3, 1, 3)).toEqual({ class: 'new finding', note: 'could not be judged after (verdict error)' });
    expect(classifyVerdicts(0, 0, 1, 1)).toMatchObject({ class: 'new finding' });
    expect(classifyVerdicts(2, 2, 1, 1)).toMatchObject({ class: 'not compared' });
    expect(classifyVerdicts(1, 1, 0, 1)).toEqual({ class: 'not compared', note: 'could not be judged before (verdict error)' });
    expect(classifyVerdicts(0, 1, 0, 1)).toBeNull();
  });
});
