/**
 * What one HAProxy's stats CSV (`stats uri /`, read as `/;csv` on its own
 * address) says about its clients: the sessions its client listeners
 * accepted and the bytes they received, ever. Two readings apart tell
 * whether clients reached that HAProxy in between, which a VIP's answer
 * alone cannot (it names who answered one probe, not where the workload went).
 */
import type { ClientTraffic } from '../types.js';

/** The listeners clients use (render/haproxy.ts); stats and whoami are the harness's own probes. */
export const CLIENT_LISTENERS = ['primary', 'replicas', 'any'] as const;

/** Sums stot and bin over the client listeners' FRONTEND rows; undefined when the CSV lacks a column or a listener. */
export function clientTrafficFromCsv(csv: string): ClientTraffic | undefined {
  const [head, ...rows] = csv.split('\n');
  const cols = (head ?? '').replace(/^# /, '').split(',');
  const [px, sv, stot, bin] = ['pxname', 'svname', 'stot', 'bin'].map((c) => cols.indexOf(c)) as [number, number, number, number];
  if (px < 0 || sv < 0 || stot < 0 || bin < 0) return undefined;
  let sessions = 0;
  let bytesIn = 0;
  for (const listener of CLIENT_LISTENERS) {
    const row = rows.map((r) => r.split(',')).find((r) => r[px] === listener && r[sv] === 'FRONTEND');
    const [s, b] = [Number(row?.[stot] ?? NaN), Number(row?.[bin] ?? NaN)];
    // An empty or missing field is no zero: a reading that cannot be compared is no reading.
    if (row === undefined || row[stot] === '' || row[bin] === '' || !Number.isFinite(s) || !Number.isFinite(b)) return undefined;
    sessions += s;
    bytesIn += b;
  }
  return { sessions, bytesIn };
}
