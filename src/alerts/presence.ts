/**
 * Whether an alert's expression can return anything at all, given the
 * series the scrapes saw: each operator applied to the sets of series
 * (labels only, values left out), as Prometheus pairs them. `a or b` needs
 * either side, `a and b` and `a + b` need both with matching labels,
 * `a unless b` needs `a`, `absent(a)` needs `a` missing. Values, thresholds
 * and `for` are not judged: that is what a Prometheus evaluating the rules
 * would add. Where the sets are not known exactly (a target not read, labels
 * rewritten, a side whose presence depends on values under `unless` or
 * `absent`) the answer is unknown, never "can fire".
 */
import type { Labels } from './exposition.js';
import type { Observed } from './observed.js';
import type { Expr, Matching, Selector } from './promql.js';
import { selectSeries, undecidable, unreadFor, whyNoMatch } from './selector-match.js';

/**
 * A vector's possible series. `more`: series not listed may exist; `fewer`:
 * those listed may not all be returned (it may even be empty); `filtered`:
 * which are returned depends on values (a comparison); `approx`: the label
 * sets are not known exactly, so pairing them with another side proves nothing.
 */
interface Vec {
  kind: 'vector';
  series: Labels[];
  more: boolean;
  fewer: boolean;
  filtered: boolean;
  approx: boolean;
  notes: string[];
}
type Value = { kind: 'scalar' } | Vec;

export interface Presence {
  canFire: boolean | null;
  reason: string;
}

const COMPARISON = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);
const SCALAR_FUNCTIONS = new Set(['time', 'pi', 'scalar']);
const RELABELLING = new Set(['label_replace', 'label_join', 'info']);
const SUBSET_AGGREGATIONS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);
const GROUPING_AGGREGATIONS = new Set(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'quantile']);

export function presence(expr: Expr, obs: Observed): Presence {
  const v = evaluate(expr, obs);
  if (v.kind === 'scalar') return { canFire: true, reason: 'a scalar expression: Prometheus makes one alert of it' };
  const notes = [...new Set(v.notes)].join('; ');
  if (v.series.length > 0 && !v.fewer) {
    return { canFire: true, reason: `the series it needs are exported (${v.series.length} result series before values are compared)${v.filtered ? '; whether it fires depends on their values' : ''}` };
  }
  if (v.series.length === 0 && !v.more) return { canFire: false, reason: notes || 'it returns no series' };
  return { canFire: null, reason: notes || 'what it returns depends on series that could not be read' };
}

const vec = (series: Labels[], o: Partial<Omit<Vec, 'kind' | 'series'>> = {}): Vec => ({ kind: 'vector', series, more: false, fewer: false, filtered: false, approx: false, notes: [], ...o });
const unknownVec = (note: string): Vec => vec([], { more: true, fewer: true, approx: true, notes: [note] });
const dropName = (series: readonly Labels[]): Labels[] => series.map(({ __name__: _n, ...rest }) => rest);

function evaluate(e: Expr, obs: Observed): Value {
  switch (e.kind) {
    case 'number':
    case 'string':
      return { kind: 'scalar' };
    case 'selector':
      return selector(e.selector, obs);
    case 'negate': {
      const v = evaluate(e.expr, obs);
      return v.kind === 'scalar' ? v : { ...v, series: dropName(v.series) };
    }
    case 'binary':
      return binary(e, evaluate(e.lhs, obs), evaluate(e.rhs, obs));
    case 'aggregate':
      return aggregate(e, e.args.map((a) => evaluate(a, obs)));
    case 'call':
      return call(e, obs);
  }
}

function selector(sel: Selector, obs: Observed): Vec {
  const why = undecidable(sel);
  if (why !== undefined) return vec([], { more: true, notes: [`${sel.text}: ${why}`] });
  const series = selectSeries(sel, obs.series);
  return vec(series, { more: unreadFor(sel, obs).length > 0, notes: series.length === 0 ? [`${sel.text}: ${whyNoMatch(sel, obs)}`] : [] });
}

function signature(l: Labels, m: Matching | undefined): string {
  if (m?.on === true) return JSON.stringify([...m.labels].sort().map((k) => [k, l[k] ?? '']));
  const ignored = new Set(['__name__', ...(m?.labels ?? [])]);
  return JSON.stringify(Object.keys(l).filter((k) => !ignored.has(k)).sort().map((k) => [k, l[k]]));
}

function binary(e: Extract<Expr, { kind: 'binary' }>, l: Value, r: Value): Value {
  const comparison = COMPARISON.has(e.op);
  if (SET_OPS.has(e.op)) {
    if (l.kind === 'scalar' || r.kind === 'scalar') return unknownVec(`${e.op} with a scalar operand: Prometheus refuses it`);
    return setOp(e.op, e.matching, l, r);
  }
  if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar' };
  const keepName = comparison && !e.bool;
  if (l.kind === 'scalar' || r.kind === 'scalar') {
    const v = (l.kind === 'scalar' ? r : l) as Vec;
    return { ...v, series: keepName ? v.series : dropName(v.series), filtered: v.filtered || keepName };
  }
  return vectorMatch(e, l, r, keepName);
}

function merged(l: Vec, r: Vec, series: Labels[], notes: string[] = []): Vec {
  const approx = l.approx || r.approx;
  return vec(series, { more: l.more || r.more || approx, fewer: l.fewer || r.fewer || approx, filtered: l.filtered || r.filtered, approx, notes: [...l.notes, ...r.notes, ...notes] });
}

function setOp(op: string, m: Matching | undefined, l: Vec, r: Vec): Vec {
  const rSigs = new Set(r.series.map((s) => signature(s, m)));
  const lSigs = new Set(l.series.map((s) => signature(s, m)));
  const unpaired = l.series.length > 0 && r.series.length > 0 ? [`no series on the two sides of ${op} share their ${m?.on === true ? `on(${m.labels.join(', ')})` : 'labels'}`] : [];
  if (op === 'and') {
    const out = l.series.filter((s) => rSigs.has(signature(s, m)));
    return merged(l, r, out, out.length === 0 ? unpaired : []);
  }
  if (op === 'or') {
    const out = [...l.series, ...r.series.filter((s) => !lSigs.has(signature(s, m)))];
    const sure = (v: Vec) => v.series.length > 0 && !v.fewer;
    const approx = l.approx || r.approx;
    return vec(out, { more: l.more || r.more, fewer: !sure(l) && !sure(r), filtered: l.filtered || r.filtered, approx, notes: [...l.notes, ...r.notes] });
  }
  // unless: the left's series that the right does not pair with; a right side that may hold other series (unread, rewritten, value-filtered) makes that unsure.
  const kept = l.series.filter((s) => !rSigs.has(signature(s, m)));
  const rightUnsure = r.more || r.fewer || r.filtered || r.approx || l.approx;
  if (!rightUnsure) return { ...l, series: kept, notes: [...l.notes, ...(kept.length === 0 && l.series.length > 0 ? ['every series of the left side of unless is paired with one on the right'] : [])] };
  const removable = kept.length < l.series.length || r.more || r.approx || l.approx;
  return { ...l, fewer: l.fewer || removable, approx: l.approx || r.approx, notes: [...l.notes, ...r.notes] };
}

/** Arithmetic and comparison between two vectors: one-to-one, or many-to-one with group_left/group_right. */
function vectorMatch(e: Extract<Expr, { kind: 'binary' }>, l: Vec, r: Vec, keepName: boolean): Vec {
  const m = e.matching;
  const side = m?.group?.side;
  const dup = (series: readonly Labels[]) => {
    const sigs = series.map((s) => signature(s, m));
    return new Set(sigs).size < sigs.length;
  };
  // Prometheus fails the whole evaluation where a side must be unique per signature and is not: the "one"
  // side always, the other (one-to-one) among the series that found a match.
  const [many, one] = side === 'right' ? [r, l] : [l, r];
  const oneSigs = new Set(one.series.map((s) => signature(s, m)));
  if (dup(one.series) || (side === undefined && dup(many.series.filter((s) => oneSigs.has(signature(s, m)))))) {
    return { ...merged(l, r, [], [`two series of one side of ${e.op} share their matching labels: Prometheus fails the evaluation`]), more: true };
  }
  const bySig = new Map(one.series.map((s) => [signature(s, m), s]));
  const out = many.series.flatMap((s) => {
    const match = bySig.get(signature(s, m));
    if (match === undefined) return [];
    const base = keepName ? s : (dropName([s])[0] as Labels);
    const include = Object.fromEntries((m?.group?.include ?? []).map((k) => [k, match[k] ?? '']).filter(([, v]) => v !== ''));
    return [{ ...base, ...include }];
  });
  const unpaired = out.length === 0 && l.series.length > 0 && r.series.length > 0 ? [`no series on the two sides of ${e.op} share their ${m?.on === true ? `on(${m.labels.join(', ')})` : 'labels'}`] : [];
  const v = merged(l, r, out, unpaired);
  return { ...v, filtered: v.filtered || keepName };
}

function aggregate(e: Extract<Expr, { kind: 'aggregate' }>, args: Value[]): Vec {
  const input = args.filter((a): a is Vec => a.kind === 'vector').at(-1);
  if (input === undefined) return unknownVec(`${e.op}() over no vector`);
  if (SUBSET_AGGREGATIONS.has(e.op)) return { ...input, filtered: true };
  const g = e.grouping;
  const key = (s: Labels): Labels => {
    if (g === undefined) return {};
    if (!g.without) return Object.fromEntries(g.labels.flatMap((k) => (s[k] === undefined ? [] : [[k, s[k]]])));
    const drop = new Set(['__name__', ...g.labels]);
    return Object.fromEntries(Object.entries(s).filter(([k]) => !drop.has(k)));
  };
  const groups = new Map(input.series.map((s) => [signature(key(s), undefined), key(s)]));
  const series = [...groups.values()];
  if (GROUPING_AGGREGATIONS.has(e.op)) return { ...input, series };
  // count_values adds a label whose values are the series' values; any other new aggregation is not modelled.
  return { ...input, series, approx: true };
}

function call(e: Extract<Expr, { kind: 'call' }>, obs: Observed): Value {
  const args = e.args.map((a) => evaluate(a, obs));
  const vectors = args.filter((a): a is Vec => a.kind === 'vector');
  if (SCALAR_FUNCTIONS.has(e.fn)) return { kind: 'scalar' };
  if (e.fn === 'vector') return vec([{}]);
  if (e.fn === 'absent' || e.fn === 'absent_over_time') return absent(e, vectors[0]);
  const [first] = vectors;
  // hour(), day_of_month()...: vector(time()) without an argument
  if (first === undefined) return vec([{}]);
  if (RELABELLING.has(e.fn) || vectors.length > 1) return { ...first, approx: true };
  return { ...first, series: dropName(first.series) };
}

/** absent(v) returns one series exactly when v returns none, labelled with v's equality matchers. */
function absent(e: Extract<Expr, { kind: 'call' }>, v: Vec | undefined): Vec {
  if (v === undefined) return unknownVec(`${e.fn}() without a vector`);
  const arg = e.args[0];
  const sel = arg?.kind === 'selector' ? arg.selector : undefined;
  const eq = (sel?.matchers ?? []).filter((m) => m.label !== '__name__' && m.op === '=');
  const labels = Object.fromEntries(eq.filter((m) => eq.filter((x) => x.label === m.label).length === 1).map((m) => [m.label, m.value]));
  if (v.series.length > 0 && !v.fewer && !v.filtered) return vec([], { notes: [`${e.fn}() returns nothing while its argument's series are exported`] });
  if (v.series.length === 0 && !v.more) return vec([labels]);
  return vec([labels], { fewer: true, notes: [...v.notes, `${e.fn}() of a vector whose presence cannot be settled`] });
}
