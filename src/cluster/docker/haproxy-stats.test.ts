import { describe, expect, it } from 'vitest';
import { clientTrafficFromCsv } from './haproxy-stats.js';

/** The head and rows of `/;csv` as HAProxy 2.6 writes them (trimmed to the columns read, in their order). */
const HEAD = '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,';
const csv = (rows: string[]) => [HEAD, ...rows, ''].join('\n');
const ROWS = [
  'stats,FRONTEND,,,1,2,1000,57,8800,90000,',
  'stats,BACKEND,0,0,0,1,100,20,8800,90000,',
  'primary,FRONTEND,,,4,9,1000,31,12000,40000,',
  'primary,m1,0,0,4,9,100,31,12000,40000,',
  'primary,BACKEND,0,0,4,9,100,31,12000,40000,',
  'replicas,FRONTEND,,,0,0,1000,2,300,400,',
  'any,FRONTEND,,,0,0,1000,0,0,0,',
  'whoami,FRONTEND,,,0,1,1000,400,30000,40000,',
];

describe('an HAProxy\'s client traffic from its stats CSV', () => {
  it('sums the client listeners\' FRONTEND rows, not the servers\', stats\' or whoami\'s (the harness\'s own probes)', () => {
    expect(clientTrafficFromCsv(csv(ROWS))).toEqual({ sessions: 33, bytesIn: 12_300 });
  });

  it('is no reading when a column, a listener or a value is missing (never a zero)', () => {
    expect(clientTrafficFromCsv(csv(ROWS).replace(',stot,', ',xstot,'))).toBeUndefined();
    expect(clientTrafficFromCsv(csv(ROWS.filter((r) => !r.startsWith('any,'))))).toBeUndefined();
    expect(clientTrafficFromCsv(csv(ROWS.map((r) => (r.startsWith('replicas,FRONTEND') ? 'replicas,FRONTEND,,,0,0,1000,,300,400,' : r))))).toBeUndefined();
    expect(clientTrafficFromCsv('')).toBeUndefined();
    expect(clientTrafficFromCsv('<html>503 Service Unavailable</html>')).toBeUndefined();
  });
});
