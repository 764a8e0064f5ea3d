/**
 * The probe a network fault's proof rests on: one new TCP connection, one
 * small request, timed from the connect to the first byte of the answer.
 * Nothing back within the timeout is `silent` (a blackhole); a connection
 * refused or closed with no answer proves nothing about a toxic.
 */
import { connect } from 'node:net';
import type { Endpoint, LinkProbe } from './types.js';

/** PostgreSQL's SSLRequest: answered with one byte ('S' or 'N'); a client leaving then is not logged. */
export const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** Patroni's REST API is Python's http.server: a header line may not exceed 64 KiB, nor a request 100 headers. */
const PAD_LINE = 60_000;
export const MAX_HTTP_PAD = 4 * PAD_LINE;

/**
 * A GET whose padding rides in headers: a server answers only once it has
 * read them all, so the answer waits for every padded byte to cross the link.
 */
export function httpProbeRequest(path: string, padBytes = 0): Buffer {
  const pads: string[] = [];
  for (let left = Math.min(padBytes, MAX_HTTP_PAD); left > 0; left -= PAD_LINE) pads.push(`X-Pad-${pads.length}: ${'x'.repeat(Math.min(PAD_LINE, left))}\r\n`);
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: probe\r\n${pads.join('')}Connection: close\r\n\r\n`);
}

export function probeTcp(to: Endpoint, request: Buffer, timeoutMs: number): Promise<LinkProbe> {
  const start = performance.now();
  const sent = request.length;
  return new Promise((resolve) => {
    const socket = connect({ host: to.host, port: to.port });
    const done = (r: LinkProbe) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ kind: 'silent', ms: timeoutMs, sent }), timeoutMs);
    // An empty request is an idle probe: a write of nothing would still wake the far side's reader.
    socket.once('connect', () => (request.length > 0 ? socket.write(request) : undefined));
    socket.once('data', () => done({ kind: 'answered', ms: performance.now() - start, sent }));
    socket.once('error', (err) => done({ kind: 'unprobed', why: err.message, sent }));
    socket.once('close', () => done({ kind: 'unprobed', why: 'the connection closed with no answer', sent }));
  });
}
