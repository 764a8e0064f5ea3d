import type { EvidenceResult } from '../checks/evidence.js';
import { formatOffset } from './format.js';
import { code, mdTable } from './md.js';

/**
 * "Set-up evidence": each log line the scenario needs seen before its
 * verdict may pass, where it was looked for, and the line that proves it
 * or why there is none (then the run is unknown, not a pass).
 */
export function evidenceSection(results: readonly EvidenceResult[], start: number): string {
  const rows = results.map((r) => [
    `${r.log} on ${r.on}${r.looked_in.length > 0 && r.looked_in.join(', ') !== r.on ? ` (${r.looked_in.join(', ')})` : ''}`,
    r.why,
    r.seen ? '✅ seen' : '❔ not seen: the set-up did not happen',
    r.seen ? `${r.source ?? ''}${r.at === null ? '' : ` at ${formatOffset(r.at - start)}`}: ${r.line ?? ''}` : `${r.reason ?? ''} (looked for /${r.matches}/)`,
  ]);
  return `${mdTable(['log', 'proves', 'result', 'line'], rows)}\n\nA run whose set-up line is not seen is ${code('unknown')} (verdict error), never a pass.`;
}
