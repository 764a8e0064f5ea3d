import { describe, expect, it } from 'vitest';
import { parseExposition, parseValue } from './exposition.js';
import { etcdMetrics, patroni302Metrics, patroni407Metrics } from './test-support.js';

describe('parseExposition', () => {
  it('HELP and TYPE lines, other comments ignored, samples with and without labels', () => {
    const e = parseExposition('# HELP a_total Things, with a \\\\ and a\\nnewline.\n# TYPE a_total counter\n# just a comment\na_total 3\nb{x="1",y="2"} 4\n');
    expect(e.errors).toEqual([]);
    expect(e.help).toEqual({ a_total: 'Things, with a \\ and a\nnewline.' });
    expect(e.types).toEqual({ a_total: 'counter' });
    expect(e.samples).toEqual([{ labels: { __name__: 'a_total' }, value: 3 }, { labels: { __name__: 'b', x: '1', y: '2' }, value: 4 }]);
  });

  it('escaped label values: backslash, quote, newline', () => {
    const e = parseExposition('m{path="C:\\\\dir",q="say \\"hi\\"",n="a\\nb"} 1\n');
    expect(e.samples[0]?.labels).toEqual({ __name__: 'm', path: 'C:\\dir', q: 'say "hi"', n: 'a\nb' });
  });

  it('commas and braces inside label values do not split them', () => {
    expect(parseExposition('m{a="x,y}",b="}"} 1').samples[0]?.labels).toEqual({ __name__: 'm', a: 'x,y}', b: '}' });
  });

  it('timestamps, NaN, ±Inf, exponents', () => {
    const e = parseExposition('a NaN\nb +Inf 1700000000000\nc -Inf\nd 1.5e-3 -12\nh{le="+Inf"} 7\n');
    expect(e.errors).toEqual([]);
    expect(e.samples.map((s) => s.value)).toEqual([NaN, Infinity, -Infinity, 0.0015, 7]);
    expect(e.samples.map((s) => s.timestampMs)).toEqual([undefined, 1700000000000, undefined, -12, undefined]);
    expect(e.samples[4]?.labels['le']).toBe('+Inf');
  });

  it('a space before the labels (Patroni\'s patroni_postgres_server_version), a trailing comma, tabs, CRLF', () => {
    const e = parseExposition('patroni_postgres_server_version {scope="s"} 150014\r\nm{a="1",} 2\nn\t{a="1"}\t3\n');
    expect(e.errors).toEqual([]);
    expect(e.samples.map((s) => s.labels)).toEqual([{ __name__: 'patroni_postgres_server_version', scope: 's' }, { __name__: 'm', a: '1' }, { __name__: 'n', a: '1' }]);
  });

  it('a quoted (UTF-8) metric name inside the braces', () => {
    expect(parseExposition('{"my.metric",a="b"} 1').samples[0]?.labels).toEqual({ __name__: 'my.metric', a: 'b' });
  });

  it('reports each bad line with its number and keeps the good ones', () => {
    const e = parseExposition(['ok 1', 'm{a="1"', 'm{a=1} 1', 'm{a="1",a="2"} 1', 'm{a="\\x"} 1', 'm 1 2 3', 'm abc', '{a="b"} 1', 'm{a="unterminated} 1', '# TYPE m bogus', 'also_ok 2'].join('\n'));
    expect(e.samples.map((s) => s.labels['__name__'])).toEqual(['ok', 'also_ok']);
    expect(e.errors.map((x) => x.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('reads the fixtures of Patroni 3.0.2 and 4.0.7 and of etcd whole', () => {
    for (const text of [patroni302Metrics('s', 'primary'), patroni407Metrics('s', 'pg1', 'replica'), etcdMetrics()]) expect(parseExposition(text).errors).toEqual([]);
    const p4 = parseExposition(patroni407Metrics('s', 'pg1', 'replica'));
    expect(p4.samples.find((s) => s.labels['__name__'] === 'patroni_postgres_running')?.labels).toEqual({ __name__: 'patroni_postgres_running', scope: 's', name: 'pg1' });
  });
});

describe('parseValue', () => {
  it("Go's float syntax", () => {
    expect(parseValue('030002')).toBe(30002);
    expect(parseValue('Inf')).toBe(Infinity);
    expect(parseValue('-inf')).toBe(-Infinity);
    expect(parseValue('.5')).toBe(0.5);
    expect(parseValue('0x1F')).toBe(31);
    expect(() => parseValue('1,5')).toThrow(/invalid value/);
    expect(() => parseValue('')).toThrow();
  });
});
