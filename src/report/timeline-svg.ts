import { escapeXml as x } from './escape.js';
import { formatOffset } from './format.js';
import { ALERT_FIRING, ALERT_PENDING, FAULT_BAND, FAULT_SHADE, LEADER_COLORS, NO_LEADER, ROLE_COLORS } from './timeline-colors.js';
import { label, laneFrame, timeRect, WIDTH, xScale } from './timeline-geometry.js';
import type { Lanes, Segment } from './timeline-lanes.js';
import { errorsStrip, latencyStrip, writesStrip } from './timeline-strips.js';

export { FAULT_BAND, FAULT_SHADE, LATENCY_MAX, LATENCY_P50, NO_LEADER, ROLE_COLORS, WRITE_FAIL, WRITE_INFO, WRITE_OK } from './timeline-colors.js';

const AXIS = 22, LANE = 22, GAP = 8;

export interface SvgOptions {
  /**
   * The suite page's small multiple: faults, leader key and writes only.
   * A run's own page also draws each member's role, the errors and the latency.
   */
  compact?: boolean;
}

/**
 * The inline SVG of a timeline: fault windows (their own lane, and shaded
 * behind every other), each member's role, the leader key's owner, writes/s,
 * errors/s and latency. Every lane is named by a `data-lane` outline. Pure.
 */
export function timelineSvg(l: Lanes, o: SvgOptions = {}): string {
  const xOf = xScale(l.durationMs);
  const span = (s: Segment): string => `${formatOffset(s.from)} → ${formatOffset(s.to)}`;
  const parts: string[] = [];
  let y = AXIS;

  const faultTop = y;
  parts.push(label(y + LANE / 2, 'faults'), laneFrame('faults', y, LANE));
  for (const w of l.windows) {
    const tip = `${w.id}: ${w.action} ${w.resolved.join(', ')} ${formatOffset(w.from)} → ${w.healed ? formatOffset(w.to) : 'never healed'}`;
    parts.push(timeRect(xOf, w.from, w.to, y, LANE, FAULT_BAND, tip, ` class="fault-band" data-fault="${x(w.id)}"`));
    const text = `⚡ ${w.action} ${w.resolved.join(',')}${w.healed ? '' : ' (not healed)'}`;
    if (xOf(w.to) - xOf(w.from) > 60) parts.push(`<text x="${(xOf(w.from) + 4).toFixed(1)}" y="${y + 15}" class="fault-t">${x(text)}</text>`);
  }
  y += LANE + GAP;
  const shadeTop = y;

  if (!o.compact) {
    for (const m of l.members) {
      parts.push(label(y + LANE / 2, m.name), laneFrame(`member:${m.name}`, y, LANE));
      for (const s of m.segments) parts.push(timeRect(xOf, s.from, s.to, y, LANE, ROLE_COLORS[s.state], `${m.name}: ${s.state} ${span(s)}`, ` data-member="${x(m.name)}" data-role="${s.state}"`));
      y += LANE + GAP;
    }
  }
  const leaders = [...new Set(l.dcs.map((s) => s.state).filter((s) => s !== ''))].sort();
  parts.push(label(y + LANE / 2, 'leader key'), laneFrame('leader', y, LANE));
  for (const s of l.dcs) {
    const fill = s.state === '' ? NO_LEADER : LEADER_COLORS[leaders.indexOf(s.state) % LEADER_COLORS.length] ?? NO_LEADER;
    parts.push(timeRect(xOf, s.from, s.to, y, LANE, fill, `${s.state || 'no leader'} ${span(s)}`, ` data-leader="${x(s.state)}"`));
    if (xOf(s.to) - xOf(s.from) > 50) parts.push(`<text x="${(xOf(s.from) + 4).toFixed(1)}" y="${y + 15}" class="in">${x(s.state || 'none')}</text>`);
  }
  y += LANE + GAP;

  if (!o.compact && l.alerts !== undefined) {
    const a = l.alerts;
    // A Prometheus that did not evaluate shows so: an empty lane would read as a quiet run.
    const quiet = !a.evaluated ? `not evaluated: ${a.why ?? ''}` : a.rules.length === 0 ? 'no documented rule was pending or firing' : undefined;
    if (quiet !== undefined) {
      parts.push(label(y + LANE / 2, 'alerts'), laneFrame('alerts', y, LANE), `<text x="${(xOf(0) + 4).toFixed(1)}" y="${y + 15}" class="in">${x(quiet)}</text>`);
      y += LANE + GAP;
    }
    for (const r of a.rules) {
      parts.push(label(y + LANE / 2, r.name), laneFrame(`alert:${r.name}`, y, LANE));
      for (const s of r.segments) parts.push(timeRect(xOf, s.from, s.to, y, LANE, s.state === 'firing' ? ALERT_FIRING : ALERT_PENDING, `${r.name}${r.severity === null ? '' : ` (${r.severity})`}: ${s.state} ${span(s)}`, ` data-alert="${x(r.name)}" data-state="${s.state}"`));
      y += LANE + GAP;
    }
  }

  const stripH = o.compact ? 40 : 70;
  parts.push(...writesStrip(l.writes, xOf, y, stripH));
  y += stripH + GAP;
  if (!o.compact) {
    parts.push(...errorsStrip(l.writes, xOf, y, 40));
    y += 40 + GAP;
    parts.push(...latencyStrip(l.writes, xOf, y, 60));
    y += 60 + GAP;
  }
  const height = y;

  // Drawn first, so the lanes stay their true colours and the window shows around and behind them.
  const shade = l.windows.map((w) => timeRect(xOf, w.from, w.to, shadeTop - GAP, height - shadeTop + GAP, FAULT_SHADE, `${w.id} in force`, ' class="fault-shade"'));
  const marks = l.faults.map((f) => {
    const fx = xOf(f.at).toFixed(1);
    return `<line x1="${fx}" x2="${fx}" y1="${faultTop}" y2="${height}" class="${f.phase}"><title>${x(`${f.id} ${f.phase} ${f.action} ${f.resolved.join(', ')} at ${formatOffset(f.at)}`)}</title></line>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="run timeline">\n${shade.join('\n')}\n${axis(l.durationMs, xOf, height)}\n${parts.join('\n')}\n${marks.join('\n')}\n</svg>`;
}

function axis(durationMs: number, xOf: (ms: number) => number, height: number): string {
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].map((s) => s * 1000).find((s) => durationMs / s <= 12) ?? 1_200_000;
  const ticks: string[] = [];
  for (let t = 0; t <= durationMs; t += step) {
    const tx = xOf(t).toFixed(1);
    ticks.push(`<line x1="${tx}" x2="${tx}" y1="16" y2="${height}" class="grid"/><text x="${tx}" y="12" class="tick">${t / 1000} s</text>`);
  }
  return ticks.join('\n');
}
