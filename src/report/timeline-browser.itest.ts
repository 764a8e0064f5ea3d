/**
 * timeline.html as a person sees it: rendered by headless Chromium from a
 * hand-made history (no cluster), then read back from the screenshot's
 * pixels. Where each lane sits on the page comes from the DOM (a copy of
 * the page with a measuring script); what the lane shows comes only from
 * the pixels, so a fault band or a role change that is not drawn fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PNG } from 'pngjs';
import { dumpDom, near, pixel, screenshot, type Viewport } from '../test-support/chromium.js';
import { FAULT_BAND, FAULT_SHADE, LEADER_COLORS, NO_LEADER, ROLE_COLORS, WRITE_FAIL, WRITE_OK } from './timeline-colors.js';
import { WIDTH, xScale } from './timeline-geometry.js';
import { toTimelineHtml } from './timeline-html.js';
import { toSuiteTimelineHtml } from './timeline-suite.js';
import { END, HEAL, INJECT, LEADER_GONE, PROMOTED, passingRun, run } from './test-fixture.js';

type Box = [left: number, top: number, width: number, height: number];
interface Geometry { svg: Box; lanes: Record<string, Box>; bands: number; roles: Record<string, string[]> }

const VIEW: Viewport = { width: 1280, height: 900 };
const WHITE = '#ffffff';

// Runs in the page: where the SVG and each named lane are, in CSS pixels, and what the DOM holds.
const MEASURE = `<script>
const box = (e) => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; };
const roles = {};
for (const r of document.querySelectorAll('[data-member]')) (roles[r.dataset.member] ??= []).push(r.dataset.role);
document.documentElement.setAttribute('data-geometry', JSON.stringify({
  svg: box(document.querySelector('svg')),
  lanes: Object.fromEntries([...document.querySelectorAll('[data-lane]')].map((e) => [e.dataset.lane, box(e)])),
  bands: document.querySelectorAll('.fault-band').length,
  roles,
}));
</script>`;

function geometryOf(dom: string): Geometry {
  const attr = /data-geometry="([^"]*)"/.exec(dom)?.[1];
  if (attr === undefined) throw new Error(`the measuring script left nothing in the DOM:\n${dom.slice(0, 500)}`);
  return JSON.parse(attr.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Geometry;
}

let dir: string;
let img: PNG;
let geo: Geometry;
const fixture = run();
const xOf = xScale(fixture.endedAt - fixture.startedAt);

/** The screenshot's colour at run time `ms` in `lane`, `dy` pixels below the lane's middle (or from its bottom when `fromBottom`). */
function at(lane: string, ms: number, o: { dy?: number; fromBottom?: number } = {}): [number, number, number] {
  const l = geo.lanes[lane];
  if (l === undefined) throw new Error(`no lane "${lane}" on the page; lanes: ${Object.keys(geo.lanes).join(', ')}`);
  const [left, , width] = geo.svg;
  const x = left + (xOf(ms) / WIDTH) * width;
  const y = o.fromBottom !== undefined ? l[1] + l[3] - o.fromBottom : l[1] + l[3] / 2 + (o.dy ?? 0);
  return pixel(img, x, y);
}

function expectColour(lane: string, ms: number, hex: string, what: string, o: { dy?: number; fromBottom?: number } = {}): void {
  const rgb = at(lane, ms, o);
  expect(near(rgb, hex), `${lane} at ${ms / 1000} s should be ${what} (${hex}), is rgb(${rgb.join(', ')})`).toBe(true);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pc-timeline-'));
  const html = toTimelineHtml(fixture);
  writeFileSync(join(dir, 'timeline.html'), html);
  writeFileSync(join(dir, 'measure.html'), html.replace('</body>', `${MEASURE}</body>`));
  const [dom, shot] = await Promise.all([dumpDom(join(dir, 'measure.html'), VIEW), screenshot(join(dir, 'timeline.html'), join(dir, 'timeline.png'), VIEW)]);
  geo = geometryOf(dom);
  img = shot;
}, 240_000);

afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('timeline.html in headless Chromium', () => {
  it('lays out every lane inside the screenshot', () => {
    expect(Object.keys(geo.lanes)).toEqual(['faults', 'member:pg-1', 'member:pg-2', 'member:pg-3', 'leader', 'writes', 'errors', 'latency']);
    const latency = geo.lanes['latency'] as Box;
    expect(latency[1] + latency[3]).toBeLessThan(VIEW.height);
    expect(img.width).toBe(VIEW.width);
  });

  it('draws the fault window in its lane, and shades it behind the others, from injection to heal only', () => {
    expect(geo.bands).toBe(1);
    for (const t of [INJECT + 1000, 30_000, HEAL - 1000]) expectColour('faults', t, FAULT_BAND, 'the fault band', { dy: 6 });
    for (const t of [INJECT - 2000, HEAL + 3000, END - 2000]) expectColour('faults', t, WHITE, 'no fault', { dy: 6 });
    // Below the latency line and in the empty writes strip: only the shading is there.
    expectColour('latency', 30_000, FAULT_SHADE, 'shaded', { fromBottom: 6 });
    expectColour('latency', 65_000, WHITE, 'not shaded', { fromBottom: 6 });
    expectColour('writes', 30_000, FAULT_SHADE, 'shaded (no writes)', { fromBottom: 4 });
  });

  it('draws each member\'s role changes: the old primary unreachable, then a replica; the replica promoted', () => {
    expect(geo.roles['pg-1']).toEqual(['primary', 'unreachable', 'replica']);
    expect(geo.roles['pg-2']).toEqual(['replica', 'primary']);
    expectColour('member:pg-1', INJECT - 3000, ROLE_COLORS.primary, 'primary');
    expectColour('member:pg-1', 30_000, ROLE_COLORS.unreachable, 'unreachable');
    expectColour('member:pg-1', 65_000, ROLE_COLORS.replica, 'replica');
    expectColour('member:pg-2', PROMOTED - 3000, ROLE_COLORS.replica, 'replica');
    expectColour('member:pg-2', PROMOTED + 3000, ROLE_COLORS.primary, 'primary');
    expectColour('member:pg-3', PROMOTED, ROLE_COLORS.replica, 'replica');
  });

  it('draws the leader key\'s owner, its gap, then the new owner', () => {
    expectColour('leader', 20_000, LEADER_COLORS[0] ?? '', 'pg-1 holding the key', { dy: 8 });
    expectColour('leader', (LEADER_GONE + PROMOTED - 500) / 2, NO_LEADER, 'no leader');
    expectColour('leader', 65_000, LEADER_COLORS[1] ?? '', 'pg-2 holding the key', { dy: 8 });
  });

  it('draws acknowledged writes before and after the failover, and errors between', () => {
    // Mid-bar: a 250 ms bar is a few pixels wide, and its edges are blended with the background.
    const bar = (ms: number): number => Math.floor(ms / 250) * 250 + 125;
    expectColour('writes', bar(3000), WRITE_OK, 'writes', { fromBottom: 3 });
    expectColour('writes', bar(65_000), WRITE_OK, 'writes', { fromBottom: 3 });
    expectColour('errors', bar(30_000), WRITE_FAIL, 'failed writes', { fromBottom: 3 });
    expectColour('errors', bar(65_000), WHITE, 'no errors', { fromBottom: 3 });
  });
});

describe('the suite\'s timeline.html in headless Chromium', () => {
  it('shows one small timeline per iteration, each linking the iteration\'s own page', async () => {
    const suite = join(dir, 'suite.html');
    writeFileSync(suite, toSuiteTimelineHtml('nightly', [{ run: fixture, dir: '01-kill-primary-1' }, { run: passingRun(12_000, { iteration: 2 }), dir: '01-kill-primary-2' }]));
    const dom = await dumpDom(suite, VIEW);
    expect([...dom.matchAll(/<a href="([^"]+timeline\.html)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['01-kill-primary-1/timeline.html', 'kill-primary #1'], ['01-kill-primary-2/timeline.html', 'kill-primary #2'],
    ]);
    expect(dom.match(/class="fault-band"/g)).toHaveLength(2);
  });
});
