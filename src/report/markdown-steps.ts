import type { FaultEvent, StepEvent } from '../history/events.js';
import { type Events, ofKind } from '../history/history.js';
import type { Step } from '../scenario/types.js';
import { formatDuration, formatOffset } from './format.js';
import { describeNemesis } from '../scenario/nemesis.js';
import { describeExec } from '../scenario/exec.js';
import { mdTable } from './md.js';

/**
 * "What was done": each scenario step with when it ran, how long it took,
 * and, for faults and heals, the members the target resolved to, because
 * "kill primary" means nothing in a drill report without the name.
 */
export function stepsSection(steps: readonly Step[], events: Events, start: number): string {
  const stepEvents = ofKind(events, 'step');
  const faults = ofKind(events, 'fault');
  const count = Math.max(steps.length, ...stepEvents.map((e) => e.index + 1));
  const rows: string[][] = [];
  for (let i = 0; i < count; i++) {
    const begin = stepEvents.find((e) => e.index === i && e.phase === 'start');
    const end = stepEvents.find((e) => e.index === i && e.phase === 'end');
    const planned = steps[i];
    const text = begin?.step ?? end?.step ?? (planned === undefined ? `step ${i + 1}` : describeStep(planned));
    const resolved = begin === undefined ? [] : end?.resolved ?? faultsOfStep(planned, faults, begin.t, end?.t ?? Infinity);
    const target = resolved.length === 0 ? '' : ` → ${resolved.join(', ')}`;
    rows.push([
      String(i + 1),
      text + target,
      begin === undefined ? '' : formatOffset(begin.t - start),
      begin !== undefined && end !== undefined ? formatDuration(end.t - begin.t) : '',
      stepResult(begin, end),
    ]);
  }
  if (rows.length === 0) return '_The scenario has no steps._';
  return mdTable(['#', 'step', 'at', 'took', 'result'], rows, ['r', 'l', 'r', 'r', 'l']);
}

function stepResult(begin: StepEvent | undefined, end: StepEvent | undefined): string {
  if (begin === undefined) return 'not run';
  if (end === undefined) return 'did not finish';
  if (end.ok === false) return `❌ ${end.error ?? 'failed'}`;
  return end.detail === undefined ? '✅' : `✅ ${end.detail}`;
}

/** Resolved members of the fault events this step produced: its own id, or every heal inside its window. */
function faultsOfStep(step: Step | undefined, faults: readonly FaultEvent[], from: number, to: number): string[] {
  const inWindow = faults.filter((f) => f.t >= from && f.t <= to);
  const mine = inWindow.filter((f) => {
    if (step?.kind === 'fault') return f.phase === 'inject' && f.id === step.id;
    if (step?.kind === 'nemesis') return f.phase === 'inject';
    if (step?.kind === 'heal') return f.phase === 'heal' && (step.id === 'all' || f.id === step.id);
    return false;
  });
  return [...new Set(mine.flatMap((f) => f.resolved))];
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'sleep': return `sleep ${formatDuration(step.ms)}`;
    case 'wait_for': return `wait for ${step.condition} (timeout ${formatDuration(step.timeoutMs)})`;
    case 'fault': return `fault ${step.action} ${step.target}`;
    case 'heal': return `heal ${step.id}`;
    case 'nemesis': return describeNemesis(step, formatDuration);
    case 'exec': return describeExec(step);
  }
}
