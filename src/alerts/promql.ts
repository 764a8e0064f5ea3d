/**
 * A documented alert's expression, read with Prometheus's own PromQL
 * grammar (@prometheus-io/lezer-promql, the one Prometheus's web UI uses)
 * into the little the harness reasons about: selectors and the operators
 * between them. A tree with an error node is a syntax error, never a rule
 * with fewer selectors.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { unquote } from './string-literal.js';

/** lezer's node type, named through the parser so that @lezer/common need not be a dependency of its own. */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
}

/** A vector selector (also inside a range or subquery): `name{...}` is `{__name__="name", ...}`. */
export interface Selector {
  /** As written in the expression. */
  text: string;
  matchers: Matcher[];
}

/** How a binary operator pairs the series of its two sides. */
export interface Matching {
  /** on(labels) when true, ignoring(labels) when false. */
  on: boolean;
  labels: string[];
  group?: { side: 'left' | 'right'; include: string[] };
}

export type Expr =
  | { kind: 'selector'; selector: Selector }
  | { kind: 'number' }
  | { kind: 'string'; value: string }
  | { kind: 'binary'; op: string; bool: boolean; matching?: Matching; lhs: Expr; rhs: Expr }
  | { kind: 'aggregate'; op: string; grouping?: { without: boolean; labels: string[] }; args: Expr[] }
  | { kind: 'call'; fn: string; args: Expr[] }
  /** Unary minus: the series of its operand, without their metric name. */
  | { kind: 'negate'; expr: Expr };

export type Parsed = { ok: true; expr: Expr; selectors: Selector[] } | { ok: false; error: string };

/** Nodes that only change the time a selector reads at, or group: their operand stands for them. */
const TRANSPARENT = new Set(['PromQL', 'ParenExpr', 'MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr', 'FunctionCallBody']);
const EXPRESSIONS = new Set([...TRANSPARENT, 'VectorSelector', 'NumberDurationLiteral', 'StringLiteral', 'BinaryExpr', 'AggregateExpr', 'FunctionCall', 'UnaryExpr']);
const MATCH_OPS: Record<string, MatchOp> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

class PromqlError extends Error {}

/** Parses one expression; any error node or a selector Prometheus would refuse makes it unparseable. */
export function parsePromql(text: string): Parsed {
  const tree = parser.parse(text);
  let error: string | undefined;
  tree.iterate({
    enter: (n) => {
      if (error === undefined && n.type.isError) error = `syntax error at character ${n.from + 1}${n.from < text.length ? ` near ${JSON.stringify(text.slice(n.from, n.from + 20))}` : ' (unexpected end)'}`;
      return error === undefined;
    },
  });
  if (error !== undefined) return { ok: false, error };
  try {
    const expr = toExpr(tree.topNode, text);
    return { ok: true, expr, selectors: selectorsOf(expr) };
  } catch (err) {
    if (err instanceof PromqlError) return { ok: false, error: err.message };
    throw err;
  }
}

function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
}

const exprChildren = (n: SyntaxNode) => children(n).filter((c) => EXPRESSIONS.has(c.name));
const src = (n: SyntaxNode, text: string) => text.slice(n.from, n.to);

function toExpr(n: SyntaxNode, text: string): Expr {
  const sub = (c: SyntaxNode) => toExpr(c, text);
  if (TRANSPARENT.has(n.name)) {
    const [first] = exprChildren(n);
    if (first === undefined) throw new PromqlError(`empty ${n.name} in ${JSON.stringify(src(n, text))}`);
    return sub(first);
  }
  switch (n.name) {
    case 'VectorSelector':
      return { kind: 'selector', selector: vectorSelector(n, text) };
    case 'NumberDurationLiteral':
      return { kind: 'number' };
    case 'StringLiteral':
      return { kind: 'string', value: unquote(src(n, text)) };
    case 'UnaryExpr': {
      const [operand] = exprChildren(n);
      if (operand === undefined) throw new PromqlError('unary operator without an operand');
      return src(n.firstChild ?? n, text) === '-' ? { kind: 'negate', expr: sub(operand) } : sub(operand);
    }
    case 'FunctionCall': {
      const fn = src(n.getChild('FunctionIdentifier') ?? n, text);
      return { kind: 'call', fn, args: exprChildren(n.getChild('FunctionCallBody') ?? n).map(sub) };
    }
    case 'AggregateExpr': {
      const op = src(n.getChild('AggregateOp') ?? n, text).toLowerCase();
      const mod = n.getChild('AggregateModifier');
      const grouping = mod === null ? undefined : { without: mod.getChild('Without') !== null, labels: labelNames(mod.getChild('GroupingLabels'), text) };
      return { kind: 'aggregate', op, args: exprChildren(n.getChild('FunctionCallBody') ?? n).map(sub), ...(grouping === undefined ? {} : { grouping }) };
    }
    case 'BinaryExpr':
      return binary(n, text, sub);
    default:
      throw new PromqlError(`unsupported PromQL node ${n.name} in ${JSON.stringify(src(n, text))}`);
  }
}

function binary(n: SyntaxNode, text: string, sub: (c: SyntaxNode) => Expr): Expr {
  const operands = exprChildren(n);
  const opNode = children(n).find((c) => !EXPRESSIONS.has(c.name) && c.name !== 'BoolModifier' && c.name !== 'MatchingModifierClause' && c.name !== 'FillModifier');
  const [lhs, rhs] = operands;
  if (lhs === undefined || rhs === undefined || opNode === undefined) throw new PromqlError(`incomplete binary expression ${JSON.stringify(src(n, text))}`);
  // Fill modifiers (experimental) invent series for the missing side: the presence reasoning here does not hold for them.
  if (n.getChild('FillModifier') !== null) throw new PromqlError(`fill modifiers are not supported: ${JSON.stringify(src(n, text))}`);
  const clause = n.getChild('MatchingModifierClause');
  let matching: Matching | undefined;
  if (clause !== null) {
    const groups = clause.getChildren('GroupingLabels');
    const side = clause.getChild('GroupLeft') !== null ? 'left' : clause.getChild('GroupRight') !== null ? 'right' : undefined;
    matching = {
      on: clause.getChild('On') !== null,
      labels: labelNames(groups[0] ?? null, text),
      ...(side === undefined ? {} : { group: { side, include: labelNames(groups[1] ?? null, text) } }),
    };
  }
  return { kind: 'binary', op: src(opNode, text).toLowerCase(), bool: n.getChild('BoolModifier') !== null, lhs: sub(lhs), rhs: sub(rhs), ...(matching === undefined ? {} : { matching }) };
}

function labelNames(n: SyntaxNode | null, text: string): string[] {
  if (n === null) return [];
  return children(n).flatMap((c) => (c.name === 'LabelName' ? [src(c, text)] : c.name === 'QuotedLabelName' || c.name === 'StringLiteral' ? [unquote(src(c, text))] : []));
}

function vectorSelector(n: SyntaxNode, text: string): Selector {
  const matchers: Matcher[] = [];
  const id = n.getChild('Identifier') ?? n.getChild('MetricName');
  if (id !== null) matchers.push({ label: '__name__', op: '=', value: src(id, text) });
  for (const m of children(n.getChild('LabelMatchers') ?? n)) {
    if (m.name === 'QuotedLabelName') {
      // `{"name.with.dots"}`: a quoted metric name
      matchers.push({ label: '__name__', op: '=', value: unquote(src(m, text)) });
      continue;
    }
    if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
    const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
    const op = m.getChild('MatchOp')?.firstChild?.name;
    const value = m.getChildren('StringLiteral').at(-1);
    if (name === null || op === undefined || value === undefined || MATCH_OPS[op] === undefined) throw new PromqlError(`incomplete label matcher ${JSON.stringify(src(m, text))}`);
    const label = name.name === 'LabelName' ? src(name, text) : unquote(src(name, text));
    matchers.push({ label, op: MATCH_OPS[op], value: unquote(src(value, text)) });
  }
  const selText = src(n, text);
  // Prometheus's parser refuses these after the grammar accepts them (promql/parser/parse.go).
  if (matchers.filter((m) => m.label === '__name__').length > 1 && id !== null) throw new PromqlError(`metric name must not be set twice: ${selText}`);
  for (const m of matchers) if (m.op === '=~' || m.op === '!~') compileRegex(m.value, selText);
  if (!matchers.some((m) => !matchesValue(m, ''))) throw new PromqlError(`vector selector must contain at least one non-empty matcher: ${selText}`);
  return { text: selText, matchers };
}

const REGEXES = new Map<string, RegExp>();

/** Prometheus anchors label regexes at both ends and lets `.` match a newline. */
export function compileRegex(re: string, where: string): RegExp {
  const known = REGEXES.get(re);
  if (known !== undefined) return known;
  try {
    // RE2's leading (?i), which Prometheus users write for case-insensitive matches, is a flag in JavaScript.
    const insensitive = re.startsWith('(?i)');
    const compiled = new RegExp(`^(?:${insensitive ? re.slice(4) : re})$`, insensitive ? 'siu' : 'su');
    REGEXES.set(re, compiled);
    return compiled;
  } catch (err) {
    throw new PromqlError(`invalid regular expression ${JSON.stringify(re)} in ${where}: ${(err as Error).message}`);
  }
}

/** Whether a label's value (empty when the series lacks the label, as in Prometheus) satisfies a matcher. */
export function matchesValue(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return compileRegex(m.value, m.label).test(value);
    case '!~':
      return !compileRegex(m.value, m.label).test(value);
  }
}

/** Every selector of an expression, in order (after adaptation, the ones that are matched). */
export function selectorsOf(e: Expr): Selector[] {
  switch (e.kind) {
    case 'selector':
      return [e.selector];
    case 'number':
    case 'string':
      return [];
    case 'negate':
      return selectorsOf(e.expr);
    case 'binary':
      return [...selectorsOf(e.lhs), ...selectorsOf(e.rhs)];
    case 'aggregate':
    case 'call':
      return e.args.flatMap(selectorsOf);
  }
}

/** A matcher as PromQL writes it. */
export const matcherText = (m: Matcher): string => `${m.label}${m.op}${JSON.stringify(m.value)}`;
