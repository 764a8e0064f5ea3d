import { describe, expect, it } from 'vitest';
import type { Labels } from './exposition.js';
import type { Observed } from './observed.js';
import { presence } from './presence.js';
import { parsePromql } from './promql.js';

const seen = (series: Labels[], unread: Observed['unread'] = []): Observed => ({ series, unread, read: { patroni: 3, etcd: 3 } });
const canFire = (expr: string, o: Observed) => {
  const p = parsePromql(expr);
  if (!p.ok) throw new Error(p.error);
  return presence(p.expr, o).canFire;
};

const A = [{ __name__: 'a', instance: 'i1' }, { __name__: 'a', instance: 'i2' }];
const B = [{ __name__: 'b', instance: 'i1' }];
const etcdDown: Observed['unread'] = [{ kind: 'etcd', name: 'etcd3', why: 'connect ECONNREFUSED' }];
const patroniDown: Observed['unread'] = [{ kind: 'patroni', name: 'pg2', why: 'timeout' }];

describe('presence: which selectors an expression needs', () => {
  it('a selector, a comparison, an aggregation: the series must exist', () => {
    expect(canFire('a == 0', seen(A))).toBe(true);
    expect(canFire('sum(a) == 0', seen(A))).toBe(true);
    expect(canFire('sum(missing) == 0', seen(A))).toBe(false);
    expect(canFire('rate(missing[5m]) > 0', seen(A))).toBe(false);
  });

  it('or: either side suffices; both missing cannot fire', () => {
    expect(canFire('missing or a', seen(A))).toBe(true);
    expect(canFire('a or missing', seen(A))).toBe(true);
    expect(canFire('missing or other_missing', seen(A))).toBe(false);
  });

  it('and, +: both sides, with labels that pair', () => {
    expect(canFire('a and b', seen([...A, ...B]))).toBe(true);
    expect(canFire('a and missing', seen(A))).toBe(false);
    expect(canFire('missing + a', seen(A))).toBe(false);
    expect(canFire('a + b', seen([...A, ...B]))).toBe(true);
    // both exist, but no series of b shares a's labels
    expect(canFire('a and b', seen([...A, { __name__: 'b', instance: 'other' }]))).toBe(false);
    expect(canFire('a and on() b', seen([...A, { __name__: 'b', instance: 'other' }]))).toBe(true);
    expect(canFire('a + ignoring(instance) b', seen([{ __name__: 'a', instance: 'x' }, { __name__: 'b', instance: 'y' }]))).toBe(true);
  });

  it('unless: the left side is needed, the right one is not', () => {
    expect(canFire('a unless missing', seen(A))).toBe(true);
    expect(canFire('missing unless a', seen(A))).toBe(false);
    // every a is paired with a b: nothing is left
    expect(canFire('a unless on() b', seen([...A, ...B]))).toBe(false);
    // a right side whose presence depends on values may or may not remove a
    expect(canFire('a unless on() b > 5', seen([...A, ...B]))).toBe(null);
  });

  it('absent() fires exactly when its argument is missing', () => {
    expect(canFire('absent(missing)', seen(A))).toBe(true);
    expect(canFire('absent(a)', seen(A))).toBe(false);
    expect(canFire('absent_over_time(a[5m])', seen(A))).toBe(false);
    expect(canFire('absent(a == 1)', seen(A))).toBe(null);
  });

  it('a one-to-one match with duplicate series fails in Prometheus: not "can fire"', () => {
    const dup = [{ __name__: 'a', instance: 'i1', x: '1' }, { __name__: 'a', instance: 'i1', x: '2' }, ...B];
    expect(canFire('a + on(instance) b', seen(dup))).not.toBe(true);
    expect(canFire('a + on(instance) group_left b', seen(dup))).toBe(true);
  });

  it('labels rewritten on the way (label_replace) make pairing unknown, not "can fire" or "cannot"', () => {
    expect(canFire('label_replace(a, "instance", "other", "", "") and b', seen([...A, ...B]))).toBe(null);
  });

  it('a scalar expression and vector() need no series', () => {
    expect(canFire('vector(1)', seen([]))).toBe(true);
    expect(canFire('1 > bool 0', seen([]))).toBe(true);
    expect(canFire('sum(missing) == 0 or vector(0)', seen([]))).toBe(true);
  });

  it('aggregations group by their labels before pairing', () => {
    const s = [{ __name__: 'a', instance: 'i1', role: 'x' }, { __name__: 'b', instance: 'i9', role: 'x' }];
    expect(canFire('sum by (role) (a) and sum by (role) (b)', seen(s))).toBe(true);
    expect(canFire('sum by (instance) (a) and sum by (instance) (b)', seen(s))).toBe(false);
    expect(canFire('sum without (instance) (a) and sum without (instance) (b)', seen(s))).toBe(true);
  });

  it('a selector on job (the scrape configuration\'s) cannot be settled', () => {
    expect(canFire('up{job="patroni"} == 0', seen([{ __name__: 'up', instance: 'i1' }]))).toBe(null);
  });
});

describe('presence: a target that was not read', () => {
  it('a series it could hold is unknown, never "cannot fire"', () => {
    expect(canFire('etcd_server_has_leader == 0', seen([], etcdDown))).toBe(null);
    expect(canFire('patroni_replication_lag > 0', seen([], patroniDown))).toBe(null);
    expect(canFire('go_goroutines > 0', seen([], etcdDown))).toBe(null);
  });

  it('one it cannot hold is still settled: another kind\'s name, an exporter this topology does not run', () => {
    expect(canFire('patroni_replication_lag > 0', seen([], etcdDown))).toBe(false);
    expect(canFire('pg_stat_activity_count > 180', seen([], [...etcdDown, ...patroniDown]))).toBe(false);
  });

  it('a series found elsewhere can fire; under unless or absent() it leaves the answer open', () => {
    const etcd = [{ __name__: 'etcd_server_has_leader', instance: 'e1' }];
    expect(canFire('etcd_server_has_leader == 0', seen(etcd, etcdDown))).toBe(true);
    expect(canFire('absent(etcd_server_has_leader{instance="e3"})', seen(etcd, etcdDown))).toBe(null);
    expect(canFire('vector(1) unless on() etcd_server_is_leader', seen(etcd, etcdDown))).toBe(null);
  });
});
