import { describe, expect, it } from 'vitest';
import { toTimelineHtml } from './timeline-html.js';
import { buildLanes } from './timeline-lanes.js';
import { END, FIRST_OK_AFTER, HEAL, INJECT, PROMOTED, T0, events, run } from './test-fixture.js';

describe('buildLanes', () => {
  const lanes = buildLanes(events(), T0, T0 + END);

  it('draws each member as role segments from the probes', () => {
    expect(lanes.members.map((m) => m.name)).toEqual(['pg-1', 'pg-2', 'pg-3']);
    expect(lanes.members[0]?.segments).toEqual([
      { from: 0, to: INJECT, state: 'primary' },
      { from: INJECT, to: HEAL + 2000, state: 'unreachable' },
      { from: HEAL + 2000, to: END, state: 'replica' },
    ]);
    expect(lanes.members[1]?.segments.map((s) => [s.from, s.state])).toEqual([[0, 'replica'], [PROMOTED, 'primary']]);
  });

  it('draws the DCS leader, with a gap when no one holds the key', () => {
    expect(lanes.dcs).toEqual([
      { from: 0, to: 35_000, state: 'pg-1' },
      { from: 35_000, to: PROMOTED - 500, state: '' },
      { from: PROMOTED - 500, to: END, state: 'pg-2' },
    ]);
  });

  it('counts writes per 250 ms bucket by outcome', () => {
    expect(lanes.writes.bucketMs).toBe(250);
    expect(lanes.writes.ok).toHaveLength(END / 250);
    expect(lanes.writes.ok.slice(0, 4)).toEqual([2, 2, 3, 2]);
    const bucket = Math.floor(FIRST_OK_AFTER / 250);
    expect(lanes.writes.ok[bucket - 1]).toBe(0);
    expect(lanes.writes.ok[bucket]).toBe(1);
    expect(lanes.writes.bad.reduce((a, b) => a + b, 0)).toBe(207);
    expect(lanes.faults.map((f) => [f.at, f.phase])).toEqual([[INJECT, 'inject'], [HEAL + 100, 'heal']]);
  });
});

describe('toTimelineHtml', () => {
  const html = toTimelineHtml(run({ scenario: { ...run().scenario, name: 'kill <primary> & co' } }));

  it('is one self-contained page with an inline SVG', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|<link|\bsrc=|url\(/);
    expect(html).not.toMatch(/href="https?:/);
  });

  it('shows the lanes, the fault markers and the writes strip', () => {
    expect(html).toContain('<title>pg-1: unreachable +7.0 s → +57.0 s</title>');
    expect(html).toContain('<title>no leader +35.0 s → +38.5 s</title>');
    expect(html).toContain('⚡ kill pg-1');
    expect(html).toContain('class="heal"');
    expect(html).toContain('peak 3 per 250 ms');
    expect(html).toContain('kill &lt;primary&gt; &amp; co');
    expect(html).not.toContain('kill <primary>');
  });
});
