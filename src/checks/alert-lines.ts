/**
 * The alert lines (sla.alerts, and the line every fault-free run is held to)
 * judged from what the run's Prometheus evaluated (the history's
 * alert-evaluation event). Without an evaluation that covers what a line
 * needs, the line is unknown: a rule nobody watched neither fired nor
 * stayed quiet.
 */
import { loadDocumentedRules } from '../alerts/report.js';
import { ofKind, type Events } from '../history/history.js';
import type { AlertEvaluationEvent } from '../history/events.js';
import { formatDuration } from '../format.js';
import { faultsOf } from '../scenario/steps.js';
import type { Scenario } from '../scenario/types.js';
import type { AlertRequirement } from '../sla/alert-lines.js';

export interface AlertLineResult {
  rule: string;
  threshold: string;
  /** fires within: ms from the first fault to the first firing after it; never fires: ms from the first step to the first firing; null when it did not fire (or was not seen). */
  observed_ms: number | null;
  pass: boolean;
  status: 'pass' | 'fail' | 'unknown';
  /** What was seen, or why nothing could be concluded. */
  note: string;
  /** The line was not written by the scenario: a fault-free run fires no critical alert. */
  core?: boolean;
}

type EvaluatedRule = AlertEvaluationEvent['rules'][number];

/** The documented rules whose `severity` label is critical, in file order. */
export function criticalRules(): string[] {
  return loadDocumentedRules().flatMap((f) => ('file' in f ? f.file.rules : [])).filter((r) => r.labels['severity'] === 'critical').map((r) => r.name);
}

/**
 * The lines a run is judged on: the scenario's, and, for a scenario without
 * any fault, "never fires" for every critical rule it did not line itself,
 * when the run had a Prometheus (an alert-evaluation event): a provider
 * without one is not held to what it cannot watch.
 */
export function alertLinesOf(scenario: Scenario, events: Events, documented: () => readonly string[] = criticalRules): AlertRequirement[] {
  const own = scenario.alertSla ?? [];
  const faultFree = !scenario.steps.some((s) => faultsOf(s).length > 0);
  const evaluation = ofKind(events, 'alert-evaluation').at(-1);
  if (!faultFree || evaluation === undefined) return own;
  // The rules the run's Prometheus was given say their severity; a run without one falls back on the files.
  // A rule some selector of which matched no series all run can never fire here: the alerts report names it
  // (can never fire, with the series), and a fault-free run is not held to what no exporter of its release exports.
  const critical = evaluation.rules.length > 0
    ? evaluation.rules.filter((r) => r.severity === 'critical' && !(r.inputs ?? []).some((i) => i.instances.length === 0)).map((r) => r.name)
    : documented();
  const lined = new Set(own.map((l) => l.rule));
  return [...own, ...critical.filter((r) => !lined.has(r)).map((rule): AlertRequirement => ({ rule, expect: { kind: 'never-fires' }, threshold: 'never fires', core: true }))];
}

/** What the never-fires lines watch: from the first step's start to the last step's end (history clock); the end reading must reach its end. */
export function judgedSpan(events: Events): { from: number | undefined; to: number | undefined } {
  const steps = ofKind(events, 'step');
  return { from: steps[0]?.t, to: steps.at(-1)?.t };
}

export function judgeAlertLines(scenario: Scenario, events: Events, documented?: () => readonly string[]): AlertLineResult[] {
  const lines = alertLinesOf(scenario, events, documented);
  if (lines.length === 0) return [];
  const evaluation = ofKind(events, 'alert-evaluation').at(-1);
  const firstFault = ofKind(events, 'fault').find((f) => f.phase === 'inject')?.t;
  const span = judgedSpan(events);
  return lines.map((line) => {
    const base = { rule: line.rule, threshold: line.threshold, ...(line.core === true ? { core: true } : {}) };
    const verdict = judgeLine(line, evaluation, { firstFault, span });
    return { ...base, ...verdict, pass: verdict.status === 'pass' };
  });
}

type Verdict = { status: AlertLineResult['status']; observed_ms: number | null; note: string };
const unknown = (note: string): Verdict => ({ status: 'unknown', observed_ms: null, note });

function judgeLine(line: AlertRequirement, e: AlertEvaluationEvent | undefined, at: { firstFault: number | undefined; span: { from: number | undefined; to: number | undefined } }): Verdict {
  if (e === undefined) return unknown('no Prometheus evaluated the rules in this run (the provider runs none)');
  if (!e.evaluated) return unknown(e.why ?? 'Prometheus did not evaluate the rules');
  const rule = e.rules.find((r) => r.name === line.rule);
  if (rule === undefined) return unknown(`Prometheus was not given ${line.rule}`);
  if (rule.health !== 'ok') return unknown(`Prometheus's last evaluation of ${line.rule} was not ok (${rule.health}${rule.last_error === undefined ? '' : `: ${rule.last_error}`})`);
  const firing = rule.intervals.filter((i) => i.state === 'firing');
  const { from, to } = e;
  if (from === null || to === null) return unknown('Prometheus was never seen evaluating');
  const seen = { ...e, from, to };
  if (line.expect.kind === 'never-fires') return neverFires(rule, firing, seen, at.span);
  return firesWithin(line.expect.ms, rule, firing, seen, at.firstFault);
}

const when = (t: number, origin: number, what: string): string => (t >= origin ? `${formatDuration(t - origin)} after ${what}` : `${formatDuration(origin - t)} before ${what}`);

function neverFires(rule: EvaluatedRule, allFiring: EvaluatedRule['intervals'], e: AlertEvaluationEvent & { from: number; to: number }, span: { from: number | undefined; to: number | undefined }): Verdict {
  const origin = span.from ?? e.from;
  // A firing over before the first step is the cluster's bootstrap (ALERTS is read from the run's start), not the run's.
  const firing = allFiring.filter((f) => span.from === undefined || f.to === null || f.to > span.from);
  if (firing.length > 0) {
    const list = firing.map((f) => `${when(f.from, origin, 'the first step')}${f.to === null ? ' (still firing at the end)' : ` for ${formatDuration(f.to - f.from)}`}`).join('; ');
    return { status: 'fail', observed_ms: (firing[0]?.from ?? origin) - origin, note: `${rule.name} fired ${firing.length} time(s): ${list}` };
  }
  if (span.from === undefined || span.to === undefined) return unknown('the run recorded no step: nothing to have watched');
  if (e.from > span.from) return unknown(`Prometheus was evaluating only from ${when(e.from, span.from, 'the first step')}`);
  if (e.to < span.to) return unknown(`Prometheus's last evaluation was ${formatDuration(span.to - e.to)} before the last step ended`);
  const blind = blindSpots(rule, e, { from: span.from, to: span.to }, 'the first step');
  if (blind !== undefined) return unknown(`${rule.name} could not have fired while ${blind}`);
  // Still pending at the end: its condition held, and only the run's end kept its \`for:\` from elapsing.
  const open = rule.intervals.find((i) => i.state === 'pending' && i.to === null);
  if (open !== undefined) return unknown(`${rule.name} was still pending at the end of the run (since ${when(open.from, span.from, 'the first step')}): the run ended before its \`for:\` could elapse`);
  const pending = rule.intervals.filter((i) => i.state === 'pending').length;
  return { status: 'pass', observed_ms: null, note: `never fired from before the first step to the end of the run${pending > 0 ? ` (pending ${pending} time(s), never long enough to fire)` : ''}` };
}

function firesWithin(limitMs: number, rule: EvaluatedRule, firing: EvaluatedRule['intervals'], e: AlertEvaluationEvent & { from: number; to: number }, fault: number | undefined): Verdict {
  if (fault === undefined) return unknown('no fault was injected: nothing to time the alert from');
  if (e.from > fault) return unknown(`Prometheus was evaluating only from ${when(e.from, fault, 'the first fault')}`);
  const already = firing.find((f) => f.from < fault && (f.to === null || f.to > fault));
  if (already !== undefined) return { status: 'fail', observed_ms: null, note: `${rule.name} was already firing when the first fault was injected (since ${formatDuration(fault - already.from)} before it): its firing is not the fault's` };
  const first = firing.find((f) => f.from >= fault);
  // Pending since before the fault and firing on from it: its condition held before the fault, so its firing times that, not the fault.
  const since = first === undefined ? undefined : rule.intervals.find((p) => p.state === 'pending' && p.from < fault && (p.to === null || p.to >= first.from - e.interval_ms * 1.5) && p.from <= first.from);
  if (first !== undefined && since !== undefined) {
    return { status: 'fail', observed_ms: null, note: `${rule.name} was already pending when the first fault was injected (since ${formatDuration(fault - since.from)} before it) and fired ${formatDuration(first.from - fault)} after it: its firing is not the fault's` };
  }
  if (first !== undefined) {
    const ms = first.from - fault;
    const resolved = first.to === null ? 'still firing at the end' : `resolved ${when(first.to, fault, 'the first fault')}`;
    return { status: ms <= limitMs ? 'pass' : 'fail', observed_ms: ms, note: `fired ${formatDuration(ms)} after the first fault, ${resolved}` };
  }
  if (e.to < fault + limitMs) return unknown(`Prometheus evaluated only ${formatDuration(Math.max(0, e.to - fault))} after the first fault, less than ${formatDuration(limitMs)}, and ${rule.name} had not fired`);
  // Not firing is a failure only where the rule could have fired: its series there, their targets scraped. A series
  // no target exported all run is no gap: the rule cannot fire on this release, which is the failure to report.
  const absent = rule.inputs?.find((i) => i.instances.length === 0);
  const blind = absent === undefined ? blindSpots(rule, e, { from: fault, to: fault + limitMs }, 'the first fault') : undefined;
  if (blind !== undefined) return unknown(`${rule.name} did not fire within ${formatDuration(limitMs)} of the first fault, but could not have fired while ${blind}`);
  if (absent !== undefined) return { status: 'fail', observed_ms: null, note: `${rule.name} never fired within ${formatDuration(limitMs)} of the first fault: ${absent.selector} matched no series all run (nothing exported it), so it cannot fire here` };
  const pending = rule.intervals.filter((i) => i.state === 'pending' && i.from >= fault);
  const longest = Math.max(0, ...pending.map((p) => (p.to ?? e.to) - p.from));
  return { status: 'fail', observed_ms: null, note: `${rule.name} never fired within ${formatDuration(limitMs)} of the first fault${pending.length > 0 ? ` (pending ${pending.length} time(s), at most ${formatDuration(longest)}: its \`for:\` was not reached)` : ' (never even pending)'}` };
}

type Stretch = { from: number; to: number };
const overlaps = (g: Stretch, span: Stretch): boolean => g.from < span.to && g.to > span.from;

/** The first stretch of `span` that lies in a stretch of every list (each instance blind at once), or undefined. */
function blindTogether(lists: ReadonlyArray<readonly Stretch[]>, span: Stretch): Stretch | undefined {
  const edges = [...new Set([span.from, span.to, ...lists.flat().flatMap((g) => [g.from, g.to])])].filter((t) => t >= span.from && t <= span.to).sort((a, b) => a - b);
  let found: Stretch | undefined;
  for (const [k, from] of edges.entries()) {
    const to = edges[k + 1];
    if (to === undefined) break;
    const mid = (from + to) / 2;
    const all = lists.every((l) => l.some((g) => g.from <= mid && g.to >= mid));
    if (all && found !== undefined && found.to === from) found.to = to;
    else if (all && found === undefined) found = { from, to };
    else if (!all && found !== undefined) return found;
  }
  return found;
}

/**
 * Why the rule could not have fired somewhere in the span, or undefined: a
 * selector that matched no series, an instance whose series it stopped
 * matching, or a target of those instances without a successful scrape
 * (what a stalled Prometheus shows: its series look present through the
 * lookback, its scrapes do not). Without these readings nothing says the
 * rule's series were there. A pooled selector (its `instance` aggregated
 * away) needs only one instance at a time with its series and a scrape.
 */
function blindSpots(rule: EvaluatedRule, e: AlertEvaluationEvent, span: Stretch, origin: string): string | undefined {
  const at = (g: Stretch) => `${when(g.from, span.from, origin)} for ${formatDuration(g.to - g.from)}`;
  if (rule.inputs === undefined) return 'the series of its expression were not read';
  for (const input of rule.inputs) {
    if (input.instances.length === 0) return `${input.selector} matched no series all run (nothing exported it)`;
    const blind: Stretch[][] = [];
    for (const i of input.instances) {
      const g = i.gaps.find((d) => overlaps(d, span));
      if (g !== undefined && input.pooled !== true) return `${input.selector} matched no series of ${i.instance} (${at(g)})`;
      const targets = e.targets.filter((t) => t.instance === i.instance);
      if (targets.length === 0 || targets.some((t) => t.down === undefined)) return `the scrapes of ${i.instance} were not read`;
      for (const t of targets) {
        const d = (t.down ?? []).find((x) => overlaps(x, span));
        if (d !== undefined && input.pooled !== true) return `Prometheus had no successful scrape of ${t.job} ${t.instance} (${at(d)})`;
      }
      blind.push([...i.gaps, ...targets.flatMap((t) => t.down ?? [])]);
    }
    const none = input.pooled === true ? blindTogether(blind, span) : undefined;
    if (none !== undefined) return `no instance had both series of ${input.selector} and a successful scrape (${at(none)})`;
  }
  return undefined;
}
