import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertScrapes } from './in-run.js';
import { fromText, scrapeCluster, targetsOf } from './scrape.js';
import { etcdMetrics, patroni302Metrics } from './test-support.js';

describe('fromText', () => {
  it('adds instance as Prometheus does, and keeps an exposed instance or job as exported_*', () => {
    const r = fromText('a{instance="x",job="j"} 1\nb 2\n', '10.0.0.1:8008');
    expect(r).toEqual({ ok: true, badLines: 0, series: [{ __name__: 'a', exported_instance: 'x', exported_job: 'j', instance: '10.0.0.1:8008' }, { __name__: 'b', instance: '10.0.0.1:8008' }] });
  });

  it('counts unreadable lines; a body with no readable sample is an error', () => {
    expect(fromText('a 1\nb{ 2\n', 'h:1')).toMatchObject({ ok: true, badLines: 1 });
    expect(fromText('<html>not metrics</html>', 'h:1')).toMatchObject({ ok: false, error: expect.stringContaining('no sample could be read') });
  });
});

describe('targetsOf', () => {
  it('every member\'s REST /metrics and every etcd member\'s client /metrics', () => {
    expect(targetsOf({ members: [{ name: 'pg1', restUrl: 'http://127.0.0.1:8008/' }], etcd: [{ name: 'etcd1', clientUrl: 'http://127.0.0.1:2379' }] })).toEqual([
      { kind: 'patroni', name: 'pg1', url: 'http://127.0.0.1:8008/metrics' },
      { kind: 'etcd', name: 'etcd1', url: 'http://127.0.0.1:2379/metrics' },
    ]);
  });
});

describe('scrapeCluster over HTTP', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/patroni/metrics') res.end(patroni302Metrics('s', 'primary'));
      else if (req.url === '/etcd/metrics') res.end(etcdMetrics());
      else if (req.url === '/slow/metrics') setTimeout(() => res.end('a 1\n'), 2000);
      else {
        res.statusCode = 503;
        res.end('unavailable');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads what answers and records every target that does not, with why', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const s = await scrapeCluster({
      members: [{ name: 'pg1', restUrl: `${base}/patroni` }, { name: 'pg2', restUrl: `${base}/broken` }, { name: 'pg3', restUrl: `${base}/slow` }],
      etcd: [{ name: 'etcd1', clientUrl: `${base}/etcd` }, { name: 'etcd2', clientUrl: `http://127.0.0.1:${closedPort}` }],
    }, 300);
    const by = Object.fromEntries(s.targets.map((t) => [t.name, t]));
    expect(by['pg1']).toMatchObject({ ok: true, badLines: 0 });
    expect(by['pg1']?.ok === true && by['pg1'].series.some((l) => l['__name__'] === 'patroni_master' && l['instance'] === new URL(base).host)).toBe(true);
    expect(by['etcd1']).toMatchObject({ ok: true });
    expect(by['pg2']).toMatchObject({ ok: false, error: 'HTTP 503: unavailable' });
    expect(by['pg3']).toMatchObject({ ok: false });
    expect(by['etcd2']).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('AlertScrapes', () => {
  const c = { members: [{ name: 'pg1', restUrl: 'http://h:1' }], etcd: [{ name: 'etcd1', clientUrl: 'http://h:2' }] };

  it('nothing to report without a scrape function or before any scrape', async () => {
    expect(new AlertScrapes(undefined).report('s', 0)).toBeUndefined();
    const a = new AlertScrapes<typeof c>(async () => ({ at: 1, targets: [] }));
    expect(a.report('s', 0)).toBeUndefined();
    await a.take(c);
    expect(a.report(undefined, 0)).toBeUndefined();
    expect(a.report('s', 0)?.scrape.at_ms).toEqual([1]);
  });

  it('a scrape that throws is recorded against every target, and the rules it leaves unread are unknown', async () => {
    const a = new AlertScrapes<typeof c>(async () => {
      throw new Error('boom');
    });
    await a.take(c);
    const r = a.report('s', 0);
    expect(r?.scrape.errors.map((e) => [e.target, e.error])).toEqual([['patroni pg1', 'boom'], ['etcd etcd1', 'boom']]);
    expect(r?.rules.find((x) => x.name === 'PostgresNodeUnhealthy')?.can_fire).toBe(null);
  });
});
