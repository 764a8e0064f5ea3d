import { describe, expect, it } from 'vitest';
import { matchesValue, parsePromql, type Parsed } from './promql.js';
import { unquote } from './string-literal.js';

const ok = (p: Parsed) => {
  if (!p.ok) throw new Error(`expected a parse, got ${p.error}`);
  return p;
};
const sels = (expr: string) => ok(parsePromql(expr)).selectors.map((s) => ({ text: s.text, m: s.matchers.map((x) => `${x.label}${x.op}${x.value}`) }));

describe('parsePromql: selectors', () => {
  it('the documents\' expressions', () => {
    expect(sels('sum(patroni_master{scope="email-cluster"}) == 0')).toEqual([{ text: 'patroni_master{scope="email-cluster"}', m: ['__name__=patroni_master', 'scope=email-cluster'] }]);
    expect(sels('pg_stat_activity_count > 180')).toEqual([{ text: 'pg_stat_activity_count', m: ['__name__=pg_stat_activity_count'] }]);
    expect(sels('patroni_postgres_streaming_replicas{sync="sync"} == 0')[0]?.m).toEqual(['__name__=patroni_postgres_streaming_replicas', 'sync=sync']);
  });

  it('nested functions, aggregations with by(), ranges, offsets and subqueries', () => {
    expect(sels('sum by (instance) (rate(a{x=~"b|c"}[5m] offset 1m)) > max_over_time(b[10m:1m] @ start())')).toEqual([
      { text: 'a{x=~"b|c"}', m: ['__name__=a', 'x=~b|c'] },
      { text: 'b', m: ['__name__=b'] },
    ]);
    expect(sels('histogram_quantile(0.99, sum without (job) (rate(x_bucket[5m])))')).toEqual([{ text: 'x_bucket', m: ['__name__=x_bucket'] }]);
  });

  it('both sides of a binary operator, with matching modifiers', () => {
    expect(sels('a + on(instance) group_left(role) b{c!="d"}').map((s) => s.text)).toEqual(['a', 'b{c!="d"}']);
    expect(sels('a unless ignoring(x) b or c').map((s) => s.text)).toEqual(['a', 'b', 'c']);
  });

  it('every matcher type, quoted label names and escaped values', () => {
    expect(sels('x{a="1", b!="2", c=~"3.*", d!~"4", "e.f"="5", g="q\\"uote\\n"}')[0]?.m).toEqual(['__name__=x', 'a=1', 'b!=2', 'c=~3.*', 'd!~4', 'e.f=5', 'g=q"uote\n']);
    expect(sels("x{a='single', b=`raw\\n`}")[0]?.m).toEqual(['__name__=x', 'a=single', 'b=raw\\n']);
  });

  it('{__name__="x"} and a quoted metric name are selectors of x', () => {
    expect(sels('{__name__="x", y!~"z"}')[0]?.m).toEqual(['__name__=x', 'y!~z']);
    expect(sels('{"my.metric", a="b"}')[0]?.m).toEqual(['__name__=my.metric', 'a=b']);
    expect(sels('{__name__=~"etcd_.*"}')[0]?.m).toEqual(['__name__=~etcd_.*']);
  });

  it('a number or a function without selectors has none', () => {
    expect(sels('vector(1) > 0')).toEqual([]);
    expect(sels('time()')).toEqual([]);
  });
});

describe('parsePromql: what Prometheus refuses is unparseable, never fine', () => {
  it.each([
    ['an unclosed selector', 'foo{'],
    ['a missing operand', '1 +'],
    ['trailing tokens', 'sum by (x) (a) foo'],
    ['an unknown function', 'no_such_function(a)'],
    ['an unclosed string', 'a{b="c}'],
    ['a selector matching everything', '{a=""}'],
    ['a selector with only a negative matcher', '{a!="x"}'],
    ['the metric name twice', 'foo{__name__="bar"}'],
    ['an invalid regex', 'a{b=~"("}'],
    ['empty', ''],
  ])('%s', (_what, expr) => {
    const p = parsePromql(expr);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.error).not.toBe('');
  });

  it('names where the error is', () => {
    const p = parsePromql('sum(a) ==');
    expect(p.ok ? '' : p.error).toMatch(/character 10|unexpected end/);
  });
});

describe('matchesValue', () => {
  it('anchors regexes at both ends, as Prometheus does', () => {
    expect(matchesValue({ label: 'r', op: '=~', value: 'prim' }, 'primary')).toBe(false);
    expect(matchesValue({ label: 'r', op: '=~', value: 'prim.*' }, 'primary')).toBe(true);
    expect(matchesValue({ label: 'r', op: '=~', value: 'a|b' }, 'xa')).toBe(false);
    expect(matchesValue({ label: 'r', op: '!~', value: 'a|b' }, 'b')).toBe(false);
  });

  it("RE2's (?i) and a dot that matches a newline", () => {
    expect(matchesValue({ label: 'r', op: '=~', value: '(?i)PRIMARY' }, 'primary')).toBe(true);
    expect(matchesValue({ label: 'r', op: '=~', value: 'a.b' }, 'a\nb')).toBe(true);
    expect(parsePromql('x{r=~"(?i)primary"}').ok).toBe(true);
  });

  it('a missing label is the empty value', () => {
    expect(matchesValue({ label: 'r', op: '=', value: '' }, '')).toBe(true);
    expect(matchesValue({ label: 'r', op: '!=', value: 'primary' }, '')).toBe(true);
    expect(matchesValue({ label: 'r', op: '=~', value: '.*' }, '')).toBe(true);
    expect(matchesValue({ label: 'r', op: '=~', value: '.+' }, '')).toBe(false);
  });
});

describe('unquote', () => {
  it('Go escapes in double and single quotes, none in backticks', () => {
    expect(unquote('"a\\tb\\x41\\u00e9\\101"')).toBe('a\tbAéA');
    expect(unquote("'it\\'s'")).toBe("it's");
    expect(unquote('`a\\tb`')).toBe('a\\tb');
    expect(() => unquote('abc')).toThrow();
  });
});
