import { describe, expect, it } from 'vitest';
import {
  bandOf, classifyLine, floorAt, classifyMetric, classifyScenarioVerdict, classifyVerdicts, countStatuses, distribution, GATING, incompleteBefore, LATENCY_FLOOR_MS, TIME_FLOOR_MS, type StatusCount,
} from './compare-rule.js';

const d = (...values: Array<number | null>) => distribution(values);
const s = (...statuses: string[]) => countStatuses(statuses);
const sec = (...values: number[]) => d(...values.map((v) => v * 1000));
const time = (before: ReturnType<typeof d>, after: ReturnType<typeof d>) => classifyMetric(before, after, TIME_FLOOR_MS, 'time');
const count = (before: ReturnType<typeof d>, after: ReturnType<typeof d>) => classifyMetric(before, after, 0, 'count');

describe('distribution: the statistics the rule reads', () => {
  it('takes the worse middle run as the median of an even count, p90 by nearest rank, and the MAD from that median', () => {
    // Nearest-rank p50 of two runs is the better one, which would hide the after side's bad run.
    expect(d(25_000, 32_000)).toMatchObject({ median: 32_000, p90: 32_000, mad: 0 });
    expect(d(10, 40, 20, 30)).toMatchObject({ min: 10, median: 30, max: 40 });
    expect(d(11, 12, 26)).toEqual({ runs: 3, measured: 3, min: 11, median: 12, p90: 26, max: 26, mad: 1 });
    // p90 of ten runs is the second worst.
    expect(d(1, 2, 3, 4, 5, 6, 7, 8, 9, 100)).toMatchObject({ p90: 9, max: 100 });
  });

  it('judges on the runs that measured it, and is null when none did', () => {
    expect(d(10, null, 30)).toEqual({ runs: 3, measured: 2, min: 10, median: 30, p90: 30, max: 30, mad: 0 });
    expect(d(null, null)).toBeNull();
  });
});

describe('classifyMetric, time metrics: a band from the before side\'s centre and spread', () => {
  it('one outlier before does not hide a steady regression (issue 19: before 11, 12, 26 s; after 22, 23, 24 s)', () => {
    const before = sec(11, 12, 26);
    expect(before === null ? null : bandOf(before, TIME_FLOOR_MS)).toEqual({ lower: 9_000, upper: 15_000, tail: 27_000 });
    expect(time(before, sec(22, 23, 24))).toEqual({ class: 'regressed', note: 'median above the band' });
  });

  it('with two runs a side, the median is the worse run: one bad run of two after is a regression', () => {
    expect(time(sec(20, 30), sec(25, 32))).toEqual({ class: 'regressed', note: 'median above the band' });
    expect(time(sec(20, 30), sec(25, 30.5))).toEqual({ class: 'same' });
  });

  it('judges the after side\'s bad tail too, against the larger of the band and the before side\'s own tail', () => {
    // Median 25.5 s is within 22 s + 3 × 2 s; the worst run, 58 s, is beyond anything before.
    expect(time(sec(20, 22, 25), sec(24, 25.5, 58))).toEqual({ class: 'regressed', note: 'p90 (bad tail) above the band' });
    // An after side with the same outlier as the before side is the same.
    expect(time(sec(11, 12, 26), sec(11, 12, 26.9))).toEqual({ class: 'same' });
    expect(time(sec(11, 12, 26), sec(11, 12, 27.1))).toEqual({ class: 'regressed', note: 'p90 (bad tail) above the band' });
  });

  it('calls equal distributions and noise within the band the same', () => {
    expect(time(sec(20, 22, 25), sec(20, 22, 25))).toEqual({ class: 'same' });
    // Median 25.8 s ≤ 22 s + max(1 s, 3 × 2 s) = 28 s; worst 26 s ≤ 28 s.
    expect(time(sec(20, 22, 25), sec(25.8, 25.8, 26))).toEqual({ class: 'same' });
    // No spread before: the floor is the band.
    expect(time(sec(20, 20, 20), sec(20.9, 20.9, 20.9))).toEqual({ class: 'same' });
    expect(time(sec(20, 20, 20), sec(21.1, 21.1, 21.1))).toMatchObject({ class: 'regressed' });
  });

  it('improves only when the after side\'s bad tail is below the band: one lucky run is no improvement', () => {
    // Band 21 s ± max(1 s, 3 × 1 s): lower 18 s.
    expect(time(sec(20, 21, 22), sec(15, 16, 17))).toEqual({ class: 'improved' });
    expect(time(sec(20, 21, 22), sec(15, 16, 19))).toEqual({ class: 'same' });
    expect(time(sec(20, 21, 22), sec(10, 10, 30))).toMatchObject({ class: 'regressed' });
  });

  it('grows the floor to 5 % of the before centre on long figures, and keeps the fixed floor under 20 s', () => {
    // Stop 20's trixie -> forky kill-patroni-on-primary recovery_ms: a median +1.2 s on 38.7 s was flagged by a fixed 1 s floor.
    const before = sec(38.5, 38.7, 39.1);
    expect(before === null ? null : bandOf(before, TIME_FLOOR_MS)).toEqual({ lower: 36_765, upper: 40_635, tail: 41_035 });
    expect(time(before, sec(38.0, 39.9, 40.9))).toEqual({ class: 'same' });
    expect(classifyMetric(before, sec(38.0, 39.9, 40.9), 0, 'time').class).toBe('same');
    // A real shift still shows: 2 s on 39 s is past 5 %.
    expect(time(before, sec(40.7, 40.8, 40.9))).toEqual({ class: 'regressed', note: 'median above the band' });
    expect(time(before, sec(38.5, 38.7, 41.1))).toEqual({ class: 'regressed', note: 'p90 (bad tail) above the band' });
    // Under 20 s, 5 % is below the fixed floor: unchanged.
    expect(time(sec(10, 10, 10), sec(11.1, 11.1, 11.1))).toMatchObject({ class: 'regressed' });
    expect(floorAt(10_000, TIME_FLOOR_MS)).toBe(1_000);
    expect(floorAt(60_000, TIME_FLOOR_MS)).toBe(3_000);
  });

  it('leaves the scripted hold out of the 5 %: a slower recovery after a long sleep is not noise', () => {
    // majority-ring on bookworm (stop 19): rto_ms 59.2, 61.3, 61.5 s, 45 s of it the partition's sleep.
    const before = sec(59.2, 61.3, 61.5);
    // 3 s more after the heal, about 20 % of the 16 s Patroni takes then: within 5 % of the whole 61 s.
    const after = sec(62.2, 64.3, 64.5);
    expect(time(before, after)).toEqual({ class: 'same' });
    expect(classifyMetric(before, after, TIME_FLOOR_MS, 'time', 45_000)).toEqual({ class: 'regressed', note: 'median above the band' });
    expect(floorAt(61_300, TIME_FLOOR_MS, 45_000)).toBe(1_000);
    // The part Patroni times still earns its 5 %; a hold longer than the figure leaves the fixed floor.
    expect(floorAt(85_000, TIME_FLOOR_MS, 45_000)).toBe(2_000);
    expect(floorAt(30_000, TIME_FLOOR_MS, 45_000)).toBe(1_000);
    // kill-patroni-on-primary's recovery (its 10 s sleep left out: 5 % of 28.7 s) still takes stop 20's +1.2 s median as
    // noise, but no longer its worst run after, 1.8 s past the worst before: the tail limit is 39.1 s + 1.4 s.
    expect(classifyMetric(sec(38.5, 38.7, 39.1), sec(38.0, 39.9, 40.9), TIME_FLOOR_MS, 'time', 10_000)).toEqual({ class: 'regressed', note: 'p90 (bad tail) above the band' });
    expect(classifyMetric(sec(38.5, 38.7, 39.1), sec(38.0, 39.9, 40.4), TIME_FLOOR_MS, 'time', 10_000).class).toBe('same');
    expect(classifyMetric(sec(38.5, 38.7, 39.1), sec(40.7, 40.8, 40.9), TIME_FLOOR_MS, 'time', 10_000).class).toBe('regressed');
  });

  it('uses the metric\'s floor when the before side has no spread', () => {
    expect(classifyMetric(d(200, 200, 200), d(290, 290, 290), LATENCY_FLOOR_MS, 'time')).toEqual({ class: 'same' });
    expect(classifyMetric(d(200, 200, 200), d(310, 310, 310), LATENCY_FLOOR_MS, 'time')).toMatchObject({ class: 'regressed' });
  });

  it('does not compare a metric one side did not measure, and says which; says how many runs measured it', () => {
    expect(time(null, d(1))).toEqual({ class: 'not compared', note: 'not measured before' });
    expect(time(d(1), null)).toEqual({ class: 'not compared', note: 'not measured after' });
    expect(time(d(10_000, null, 12_000), d(11_000))).toEqual({ class: 'same', note: 'measured in 2 of 3 runs before' });
  });
});

describe('classifyMetric, counts: no band', () => {
  it('any run after above the before side\'s worst is a regression, even one of three', () => {
    expect(count(d(0, 0, 0), d(0, 0, 3))).toEqual({ class: 'regressed', note: "a run after above the before side's worst" });
    expect(count(d(0, 0, 0), d(0, 1, 1))).toMatchObject({ class: 'regressed' });
    expect(count(d(1, 1, 1), d(1, 1, 2))).toMatchObject({ class: 'regressed' });
  });

  it('a count within the before side\'s range is the same; every run below its best is an improvement', () => {
    expect(count(d(0, 2, 0), d(1, 1, 1))).toEqual({ class: 'same' });
    expect(count(d(2, 2), d(0, 0))).toEqual({ class: 'improved' });
    expect(count(d(2, 3), d(0, 2))).toEqual({ class: 'same' });
  });
});

describe('classifyLine: the after side is judged on its own', () => {
  it('a line failing after that held before is a new finding, also in a scenario not run before', () => {
    expect(classifyLine(s('pass', 'pass'), s('pass', 'fail'))).toEqual({ class: 'new finding' });
    expect(classifyLine(null, s('fail'))).toEqual({ class: 'new finding', note: 'not judged before' });
  });

  it('a finding excused before as known and counted after is still failing, never the same (the upgrade trap)', () => {
    expect(classifyLine(s('known'), s('fail'))).toEqual({ class: 'still failing', note: 'excused before as a known finding, counted after' });
    expect(classifyLine(s('known', 'pass', 'pass'), s('pass', 'pass', 'fail'))).toMatchObject({ class: 'still failing' });
  });

  it('a line failing on both sides is still failing, and gates', () => {
    expect(classifyLine(s('fail'), s('fail'))).toEqual({ class: 'still failing', note: 'failed before too' });
    expect(classifyLine(s('fail', 'known'), s('known', 'fail'))).toMatchObject({ class: 'still failing' });
    expect(GATING).toEqual(expect.arrayContaining(['new finding', 'still failing']));
  });

  it('a line failing or excused before and passing in every run after is a fixed finding', () => {
    expect(classifyLine(s('known', 'pass'), s('pass', 'pass'))).toEqual({ class: 'fixed finding' });
    expect(classifyLine(s('fail'), s('pass'))).toEqual({ class: 'fixed finding' });
  });

  it('does not count a known finding reproducing after, within its range, as run does not', () => {
    expect(classifyLine(s('pass'), s('known'))).toEqual({ class: 'same', note: 'a known finding reproduced after, not counted (as in run)' });
    expect(classifyLine(s('known'), s('pass', 'known'))).toEqual({ class: 'same', note: 'a known finding on both sides, not counted (as in run)' });
    expect(classifyLine(s('fail'), s('known'))).toEqual({ class: 'same', note: 'failed before; excused after as a known finding, not counted (as in run)' });
  });

  it('gates a line with no evidence after, as run judges it an error (issue 19: rto_ms p90 unknown over the iterations, exit 0)', () => {
    expect(classifyLine(s('pass'), s('unknown'))).toEqual({ class: 'new finding', note: 'no evidence after (unknown), which run judges an error' });
    expect(classifyLine(s('pass', 'pass', 'pass'), s('pass', 'unknown', 'pass'))).toMatchObject({ class: 'new finding' });
    expect(classifyLine(null, s('unknown'))).toEqual({ class: 'new finding', note: 'no evidence after (unknown), which run judges an error; not judged before' });
    expect(classifyLine(s('unknown'), s('unknown'))).toEqual({ class: 'still failing', note: 'no evidence on either side (unknown), which run judges an error' });
    expect(classifyLine(s('fail'), s('unknown'))).toEqual({ class: 'still failing', note: 'failed before; no evidence after (unknown), which run judges an error' });
    expect(classifyLine(s('known'), s('pass', 'unknown'))).toMatchObject({ class: 'still failing' });
    // Whatever the before side, a status after that is not a pass, a failure or an excused finding gates.
    for (const before of [null, s('pass'), s('fail'), s('known'), s('unknown'), s('pass', 'unknown')]) {
      for (const after of [s('unknown'), s('someday'), s('pass', 'unknown'), s('known', 'unknown')]) expect(GATING).toContain(classifyLine(before, after).class);
    }
  });

  it('does not compare a line with no evidence before, and counts statuses it does not know as unknown', () => {
    expect(classifyLine(s('unknown'), s('pass'))).toEqual({ class: 'not compared', note: 'no evidence before (unknown)' });
    expect(s('pass', 'maybe')).toEqual({ runs: 2, pass: 1, known: 0, fail: 0, unknown: 1 });
    // A real failure after still counts next to an unknown.
    expect(classifyLine(s('pass'), s('unknown', 'fail'))).toEqual({ class: 'new finding' });
    expect(classifyLine(s('known'), s('unknown', 'fail'))).toMatchObject({ class: 'still failing' });
  });

  it('calls a line passing on both sides the same', () => {
    expect(classifyLine(s('pass', 'pass'), s('pass'))).toEqual({ class: 'same' });
  });
});

describe('classifyVerdicts: never a pass over an after side that run would judge red', () => {
  // Run verdicts as compare counts them: error is unknown.
  const v = (...verdicts: string[]): StatusCount => countStatuses(verdicts.map((x) => (x === 'error' ? 'unknown' : x)));

  it('an after side that could not be judged is a new finding; on both sides, still failing (nothing verified)', () => {
    expect(classifyVerdicts(v('pass', 'pass', 'pass'), v('pass', 'error', 'pass'))).toMatchObject({ class: 'new finding', note: expect.stringMatching(/^could not be judged after \(verdict error\)/) });
    expect(classifyVerdicts(null, v('error'))).toMatchObject({ class: 'new finding' });
    expect(classifyVerdicts(v('error', 'error'), v('error'))).toMatchObject({ class: 'still failing', note: expect.stringMatching(/^could not be judged on either side/) });
    expect(classifyVerdicts(v('error'), v('pass'))).toEqual({ class: 'not compared', note: 'could not be judged before (verdict error)' });
  });

  it('more failing runs after than before is a regression, as a share of the runs', () => {
    expect(classifyVerdicts(v('pass'), v('fail'))).toEqual({ class: 'regressed', note: 'more failing runs after; not passing in 1 of 1 run after, 0 of 1 before' });
    expect(classifyVerdicts(v('fail', 'pass', 'pass'), v('fail', 'fail', 'pass'))).toMatchObject({ class: 'regressed' });
    // 1 of 3 before, 2 of 6 after: the same share.
    expect(classifyVerdicts(v('fail', 'pass', 'pass'), v('fail', 'fail', 'pass', 'pass', 'pass', 'pass'))).toMatchObject({ class: 'still failing' });
    expect(classifyVerdicts(v('fail', 'fail', 'pass'), v('fail', 'pass', 'pass'))).toEqual({ class: 'still failing', note: 'not passing in 1 of 3 runs after, 2 of 3 before' });
  });

  it('says nothing when every run passed on both sides; a failure before and none after is fixed', () => {
    expect(classifyVerdicts(v('pass'), v('pass'))).toBeNull();
    expect(classifyVerdicts(null, v('pass'))).toBeNull();
    expect(classifyVerdicts(v('fail'), null)).toBeNull();
    expect(classifyVerdicts(v('fail', 'pass'), v('pass', 'pass'))).toMatchObject({ class: 'fixed finding' });
  });

  it('gates every after side with a run whose verdict is fail or error, whatever the before side', () => {
    // (see classifyScenarioVerdict for a scenario judged red over its iterations though every run passed)
    const sides = [null, v('pass'), v('fail'), v('error'), v('pass', 'fail', 'error'), v('fail', 'fail', 'fail'), v('error', 'error')];
    const red = [v('fail'), v('error'), v('pass', 'pass', 'fail'), v('pass', 'error', 'fail'), v('fail', 'fail')];
    for (const before of sides) for (const after of red) expect(GATING).toContain(classifyVerdicts(before, after)?.class);
  });
});

describe('classifyScenarioVerdict and incompleteBefore: run\'s verdict on a scenario, over its iterations', () => {
  it('gates a scenario run judged red after, new or still failing by the before side', () => {
    expect(classifyScenarioVerdict('pass', 'error')).toEqual({ class: 'new finding', note: 'run judged the scenario error after, pass before' });
    expect(classifyScenarioVerdict(null, 'fail')).toEqual({ class: 'new finding', note: 'run judged the scenario fail after' });
    expect(classifyScenarioVerdict('error', 'error')).toMatchObject({ class: 'still failing' });
    expect(classifyScenarioVerdict('fail', 'pass')).toBeNull();
    expect(classifyScenarioVerdict('pass', null)).toBeNull();
  });

  it('calls a comparison incomplete when run could not judge the before side of a scenario the after side ran', () => {
    expect(incompleteBefore('error', 'pass')).toBe(true);
    expect(incompleteBefore('error', 'error')).toBe(true);
    expect(incompleteBefore('fail', 'pass')).toBe(false);
    expect(incompleteBefore('error', null)).toBe(false);
    expect(incompleteBefore(null, 'pass')).toBe(false);
  });
});
