import { escapeXml as x } from './escape.js';

/** The SVG's user units: the plot runs from LEFT to WIDTH - RIGHT, whatever the page's width. */
export const WIDTH = 1200;
export const LEFT = 140;
export const RIGHT = 20;

/** Maps run time (ms from the start) to x, clamped to the run. */
export function xScale(durationMs: number): (ms: number) => number {
  const pw = WIDTH - LEFT - RIGHT;
  return (ms) => LEFT + (Math.min(Math.max(ms, 0), durationMs) / durationMs) * pw;
}

/** A rectangle over [from, to) at height y..y+h, with a tooltip; never thinner than half a unit, so a short state still shows. */
export function timeRect(xOf: (ms: number) => number, from: number, to: number, y: number, h: number, fill: string, tip: string, attrs = ''): string {
  return `<rect x="${xOf(from).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0.5, xOf(to) - xOf(from)).toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"${attrs}><title>${x(tip)}</title></rect>`;
}

/** A lane's name, right-aligned left of the plot. */
export function label(y: number, text: string, cls = 'lbl'): string {
  return `<text x="${LEFT - 8}" y="${(y + 4).toFixed(1)}" class="${cls}">${x(text)}</text>`;
}

/**
 * The outline of a lane, named by `data-lane`: it draws nothing inside
 * (the fault shading shows through) and tells a reader of the DOM where the
 * lane is on the page.
 */
export function laneFrame(name: string, y: number, h: number): string {
  return `<rect x="${LEFT}" y="${y}" width="${WIDTH - LEFT - RIGHT}" height="${h}" fill="none" class="frame" data-lane="${x(name)}"/>`;
}
