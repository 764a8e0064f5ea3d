import { expect, test } from 'vitest';
import { listenError, resolveTcpAddr, splitHostPort } from './address.js';

// Go's net.ResolveTCPAddr and net.Listen, as Toxiproxy shows them in its answers.
test('resolveTcpAddr prints addresses as Go does and binds wildcards dual-stack', async () => {
  expect(await resolveTcpAddr('')).toEqual({ bindHost: undefined, port: 0, text: ':0' });
  expect(await resolveTcpAddr(':8474')).toEqual({ bindHost: undefined, port: 8474, text: ':8474' });
  expect(await resolveTcpAddr('0.0.0.0:1')).toEqual({ bindHost: undefined, port: 1, text: '0.0.0.0:1' });
  expect(await resolveTcpAddr('localhost:80')).toEqual({ bindHost: '127.0.0.1', port: 80, text: '127.0.0.1:80' });
  expect(await resolveTcpAddr('[0:0:0:0:0:0:0:1]:5')).toEqual({ bindHost: '::1', port: 5, text: '[::1]:5' });
  expect(await resolveTcpAddr('127.0.0.1:')).toMatchObject({ port: 0, text: '127.0.0.1:0' });
});

test('address errors name what Go names', async () => {
  expect(() => splitHostPort('local373')).toThrow('address local373: missing port in address');
  expect(() => splitHostPort('h:99999')).toThrow(/^address 99999: invalid port$/);
  expect(() => splitHostPort('a:b:1')).toThrow('address a:b:1: too many colons in address');
  await expect(resolveTcpAddr('no-such-host.invalid:1')).rejects.toThrow('lookup no-such-host.invalid: no such host');
});

test('listenError words a failed bind as Go, with libuv texts where Linux has none listed', () => {
  const err = (code: string, errno: number): NodeJS.ErrnoException => Object.assign(new Error('x'), { code, errno });
  expect(listenError(err('EADDRINUSE', -98), '127.0.0.1:1').message).toBe('listen tcp 127.0.0.1:1: bind: address already in use');
  expect(listenError(err('EADDRNOTAVAIL', -99), '10.9.9.9:1').message).toBe(
    'listen tcp 10.9.9.9:1: bind: cannot assign requested address',
  );
  expect(listenError(err('ENOBUFS', -105), ':1').message).toBe('listen tcp :1: bind: no buffer space available');
});
