import { escapeXml as x } from './escape.js';
import { formatOffset } from './format.js';
import type { MemberRole } from './probe-state.js';
import type { Lanes, Segment } from './timeline-lanes.js';

export const ROLE_COLORS: Record<MemberRole, string> = { primary: '#2e7d32', replica: '#1565c0', other: '#f9a825', unreachable: '#9e9e9e' };
// Leader colours are kept apart from the role colours so the DCS lane is never read as a role.
const LEADER_COLORS = ['#6a1b9a', '#00838f', '#ef6c00', '#5d4037', '#ad1457', '#283593'];
export const NO_LEADER = '#c62828';
export const WRITE_OK = '#43a047';
export const WRITE_BAD = '#e53935';

const W = 1200, LEFT = 140, RIGHT = 20, AXIS = 52, LANE = 22, GAP = 8, STRIP = 90;

/** The inline SVG of timeline.html: member lanes, DCS leader lane, fault markers, writes/s strip. */
export function timelineSvg(l: Lanes): string {
  const pw = W - LEFT - RIGHT;
  const xOf = (ms: number): number => LEFT + (Math.min(Math.max(ms, 0), l.durationMs) / l.durationMs) * pw;
  const rect = (from: number, to: number, y: number, h: number, fill: string, tip: string): string =>
    `<rect x="${xOf(from).toFixed(1)}" y="${y}" width="${Math.max(0.5, xOf(to) - xOf(from)).toFixed(1)}" height="${h}" fill="${fill}"><title>${x(tip)}</title></rect>`;
  const span = (s: Segment): string => `${formatOffset(s.from)} → ${formatOffset(s.to)}`;
  const parts: string[] = [];
  let y = AXIS;

  for (const m of l.members) {
    parts.push(label(y + LANE / 2, m.name));
    for (const s of m.segments) parts.push(rect(s.from, s.to, y, LANE, ROLE_COLORS[s.state], `${m.name}: ${s.state} ${span(s)}`));
    y += LANE + GAP;
  }
  const leaders = [...new Set(l.dcs.map((s) => s.state).filter((s) => s !== ''))].sort();
  parts.push(label(y + LANE / 2, 'etcd leader key'));
  for (const s of l.dcs) {
    const fill = s.state === '' ? NO_LEADER : LEADER_COLORS[leaders.indexOf(s.state) % LEADER_COLORS.length] ?? NO_LEADER;
    parts.push(rect(s.from, s.to, y, LANE, fill, `${s.state || 'no leader'} ${span(s)}`));
    if (xOf(s.to) - xOf(s.from) > 50) parts.push(`<text x="${(xOf(s.from) + 4).toFixed(1)}" y="${y + 15}" class="in">${x(s.state || 'none')}</text>`);
  }
  y += LANE + GAP + 6;

  const mid = y + STRIP / 2;
  const { bucketMs, ok, bad } = l.writes;
  const peak = Math.max(1, ...ok, ...bad);
  const scale = (n: number): number => (n / peak) * (STRIP / 2 - 2);
  parts.push(label(mid - 14, 'writes ok'), label(mid + 14, 'fail / info'));
  parts.push(`<text x="${LEFT - 8}" y="${y + 8}" class="lbl small">${x(`peak ${peak} per ${bucketMs} ms`)}</text>`);
  parts.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${mid}" y2="${mid}" class="base"/>`);
  ok.forEach((n, i) => { if (n > 0) parts.push(rect(i * bucketMs, (i + 1) * bucketMs, mid - scale(n), scale(n), WRITE_OK, `${formatOffset(i * bucketMs)}: ${n} ok`)); });
  bad.forEach((n, i) => { if (n > 0) parts.push(rect(i * bucketMs, (i + 1) * bucketMs, mid, scale(n), WRITE_BAD, `${formatOffset(i * bucketMs)}: ${n} fail/info`)); });
  const height = y + STRIP + 6;

  for (const f of l.faults) {
    const fx = xOf(f.at).toFixed(1);
    const text = `${f.phase === 'inject' ? '⚡' : '✚'} ${f.phase === 'inject' ? f.action : 'heal'} ${f.resolved.join(',')}`;
    parts.push(`<line x1="${fx}" x2="${fx}" y1="${f.phase === 'inject' ? 20 : 34}" y2="${height}" class="${f.phase}"><title>${x(`${f.id} ${f.phase} ${f.action} ${f.resolved.join(', ')} at ${formatOffset(f.at)}`)}</title></line>`);
    parts.push(`<text x="${(xOf(f.at) + 3).toFixed(1)}" y="${f.phase === 'inject' ? 28 : 42}" class="${f.phase}-t">${x(text)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="run timeline">\n${axis(l.durationMs, xOf, height)}\n${parts.join('\n')}\n</svg>`;
}

function label(y: number, text: string): string {
  return `<text x="${LEFT - 8}" y="${y + 4}" class="lbl">${x(text)}</text>`;
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
