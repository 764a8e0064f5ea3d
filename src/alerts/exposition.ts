/**
 * Prometheus's text exposition format (0.0.4), as Patroni's and etcd's
 * /metrics answer: what a Prometheus scraping them would store. A line that
 * does not parse is reported, never guessed at; the rest still count.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  /** Every label, the metric name as `__name__`. */
  labels: Labels;
  value: number;
  /** Milliseconds since the epoch, when the line carries one. */
  timestampMs?: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` lines: metric name -> counter, gauge, histogram, summary, untyped. */
  types: Record<string, string>;
  help: Record<string, string>;
  /** Lines that could not be read, 1-based. */
  errors: Array<{ line: number; message: string }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

class LineError extends Error {}

export function parseExposition(text: string): Exposition {
  const out: Exposition = { samples: [], types: {}, help: {}, errors: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    try {
      if (line.startsWith('#')) meta(line, out);
      else out.samples.push(sampleLine(line));
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      out.errors.push({ line: i + 1, message: err.message });
    }
  });
  return out;
}

/** `# HELP name text` and `# TYPE name type`; any other comment is ignored, as Prometheus does. */
function meta(line: string, out: Exposition): void {
  const m = /^#[ \t]+(HELP|TYPE)[ \t]+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:[ \t]+(.*))?$/.exec(line);
  if (m === null) return;
  const [, kind, name, rest = ''] = m as unknown as [string, 'HELP' | 'TYPE', string, string | undefined];
  if (kind === 'HELP') out.help[name] = rest.replace(/\\(\\|n)/g, (_a, c: string) => (c === 'n' ? '\n' : '\\'));
  else if (/^(counter|gauge|histogram|summary|untyped)$/.test(rest.trim())) out.types[name] = rest.trim();
  else throw new LineError(`unknown metric type ${JSON.stringify(rest)} for ${name}`);
}

function sampleLine(line: string): Sample {
  const cur = { s: line };
  const labels: Record<string, string> = {};
  const name = NAME.exec(cur.s)?.[0];
  if (name !== undefined) {
    labels['__name__'] = name;
    cur.s = cur.s.slice(name.length).replace(/^[ \t]+/, '');
  }
  if (cur.s.startsWith('{')) readLabels(cur, labels);
  else if (name === undefined) throw new LineError(`expected a metric name at ${JSON.stringify(line.slice(0, 40))}`);
  if (labels['__name__'] === undefined) throw new LineError(`no metric name in ${JSON.stringify(line.slice(0, 60))}`);
  const fields = cur.s.trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new LineError(`expected a value and an optional timestamp after the labels, got ${JSON.stringify(cur.s.trim())}`);
  const value = parseValue(fields[0] as string);
  const sample: Sample = { labels, value };
  if (fields[1] !== undefined) {
    if (!/^-?\d+$/.test(fields[1])) throw new LineError(`invalid timestamp ${JSON.stringify(fields[1])}`);
    sample.timestampMs = Number(fields[1]);
  }
  return sample;
}

/** `{a="x",b="y",}`, or a quoted (UTF-8) metric name first: `{"my.metric",a="x"}`. */
function readLabels(cur: { s: string }, labels: Record<string, string>): void {
  cur.s = cur.s.slice(1);
  for (let first = true; ; first = false) {
    cur.s = cur.s.replace(/^[ \t]+/, '');
    if (cur.s.startsWith('}')) break;
    let label: string;
    if (cur.s.startsWith('"')) {
      label = readQuoted(cur);
      cur.s = cur.s.replace(/^[ \t]+/, '');
      if (first && labels['__name__'] === undefined && (cur.s.startsWith(',') || cur.s.startsWith('}'))) {
        labels['__name__'] = label;
        if (cur.s.startsWith(',')) cur.s = cur.s.slice(1);
        continue;
      }
    } else {
      const m = LABEL.exec(cur.s);
      if (m === null) throw new LineError(`expected a label name at ${JSON.stringify(cur.s.slice(0, 30))}`);
      label = m[0];
      cur.s = cur.s.slice(label.length).replace(/^[ \t]+/, '');
    }
    if (!cur.s.startsWith('=')) throw new LineError(`expected = after label ${label}`);
    cur.s = cur.s.slice(1).replace(/^[ \t]+/, '');
    if (!cur.s.startsWith('"')) throw new LineError(`expected a quoted value for label ${label}`);
    if (label in labels) throw new LineError(`label ${label} appears twice`);
    labels[label] = readQuoted(cur);
    cur.s = cur.s.replace(/^[ \t]+/, '');
    if (cur.s.startsWith(',')) cur.s = cur.s.slice(1);
    else if (!cur.s.startsWith('}')) throw new LineError(`expected , or } after label ${label}`);
  }
  cur.s = cur.s.slice(1);
}

/** A double-quoted string with the format's three escapes: \\, \" and \n. */
function readQuoted(cur: { s: string }): string {
  let out = '';
  for (let i = 1; i < cur.s.length; i++) {
    const c = cur.s[i] as string;
    if (c === '"') {
      cur.s = cur.s.slice(i + 1);
      return out;
    }
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = cur.s[++i];
    if (next === '\\' || next === '"') out += next;
    else if (next === 'n') out += '\n';
    else throw new LineError(`invalid escape \\${next ?? ''} in a label value`);
  }
  throw new LineError('unterminated label value');
}

/** Go's float syntax as Prometheus reads it: NaN, +Inf, -Inf, decimals and exponents (hex floats too). */
export function parseValue(text: string): number {
  if (/^nan$/i.test(text)) return NaN;
  const inf = /^([+-]?)inf(inity)?$/i.exec(text);
  if (inf !== null) return inf[1] === '-' ? -Infinity : Infinity;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(text)) return text.startsWith('-') ? -Number(text.slice(1)) : Number(text.replace(/^\+/, ''));
  throw new LineError(`invalid value ${JSON.stringify(text)}`);
}
