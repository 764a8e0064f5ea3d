import { escapeXml as x } from './escape.js';
import { formatDuration, formatOffset } from './format.js';
import { LATENCY_MAX, LATENCY_P50, WRITE_FAIL, WRITE_INFO, WRITE_OK } from './timeline-colors.js';
import type { WriteBuckets } from './timeline-buckets.js';
import { label, laneFrame, LEFT, timeRect } from './timeline-geometry.js';

type XOf = (ms: number) => number;
const perSecond = (n: number, bucketMs: number): number => (n * 1000) / bucketMs;
const rate = (r: number): string => `${r >= 10 ? Math.round(r) : r.toFixed(1).replace(/\.0$/, '')}/s`;

function scaleLabel(y: number, text: string): string {
  return `<text x="${LEFT - 8}" y="${(y + 8).toFixed(1)}" class="lbl small">${x(text)}</text>`;
}

/** Acknowledged writes per second, as bars up from the strip's floor, scaled to the run's peak. */
export function writesStrip(w: WriteBuckets, xOf: XOf, y: number, h: number): string[] {
  const peak = Math.max(1, ...w.ok);
  const parts = [laneFrame('writes', y, h), label(y + h / 2 + 6, 'writes/s (ok)'), scaleLabel(y, `peak ${rate(perSecond(peak, w.bucketMs))}`)];
  w.ok.forEach((n, i) => {
    if (n === 0) return;
    const bh = (n / peak) * (h - 2);
    parts.push(timeRect(xOf, i * w.bucketMs, (i + 1) * w.bucketMs, y + h - bh, bh, WRITE_OK, `${formatOffset(i * w.bucketMs)}: ${rate(perSecond(n, w.bucketMs))} acknowledged`));
  });
  return parts;
}

/** fail (certainly not applied) and info (indeterminate) writes per second, stacked, on a scale of their own. */
export function errorsStrip(w: WriteBuckets, xOf: XOf, y: number, h: number): string[] {
  const peak = Math.max(1, ...w.fail.map((f, i) => f + (w.info[i] ?? 0)));
  const parts = [laneFrame('errors', y, h), label(y + h / 2 + 6, 'errors/s'), scaleLabel(y, `peak ${rate(perSecond(peak, w.bucketMs))}`)];
  w.fail.forEach((f, i) => {
    const info = w.info[i] ?? 0;
    const from = i * w.bucketMs;
    const to = from + w.bucketMs;
    const fh = (f / peak) * (h - 2);
    const ih = (info / peak) * (h - 2);
    if (f > 0) parts.push(timeRect(xOf, from, to, y + h - fh, fh, WRITE_FAIL, `${formatOffset(from)}: ${rate(perSecond(f, w.bucketMs))} failed`));
    if (info > 0) parts.push(timeRect(xOf, from, to, y + h - fh - ih, ih, WRITE_INFO, `${formatOffset(from)}: ${rate(perSecond(info, w.bucketMs))} indeterminate`));
  });
  return parts;
}

/**
 * Latency of acknowledged writes on a log scale (a failover turns 5 ms into
 * seconds): the median per bucket as a line, the worst as a whisker above it.
 */
export function latencyStrip(w: WriteBuckets, xOf: XOf, y: number, h: number): string[] {
  const seen = [...w.latency.p50, ...w.latency.max].filter((v): v is number => v !== null && v > 0);
  const lo = Math.min(1, ...seen);
  const hi = Math.max(10, ...seen);
  const yOf = (ms: number): number => y + h - 2 - (Math.log(Math.max(ms, lo) / lo) / Math.log(hi / lo)) * (h - 4);
  const parts = [laneFrame('latency', y, h), label(y + h / 2 + 6, 'latency (ok)'), scaleLabel(y, `top ${formatDuration(hi)}, log`)];
  let whiskers = '';
  let line = '';
  let pen = false;
  w.latency.p50.forEach((p50, i) => {
    const max = w.latency.max[i] ?? null;
    const cx = xOf((i + 0.5) * w.bucketMs).toFixed(1);
    if (p50 === null || max === null) { pen = false; return; }
    whiskers += `M${cx} ${yOf(max).toFixed(1)}V${yOf(p50).toFixed(1)}`;
    // A lone point still shows: a tiny stroke with round caps.
    line += pen ? `L${cx} ${yOf(p50).toFixed(1)}` : `M${cx} ${yOf(p50).toFixed(1)}h0.5`;
    pen = true;
  });
  if (whiskers !== '') parts.push(`<path d="${whiskers}" stroke="${LATENCY_MAX}" stroke-width="1.5" fill="none"><title>worst latency per bucket</title></path>`);
  if (line !== '') parts.push(`<path d="${line}" stroke="${LATENCY_P50}" stroke-width="1.5" stroke-linecap="round" fill="none" data-series="latency-p50"><title>median latency per bucket</title></path>`);
  return parts;
}
