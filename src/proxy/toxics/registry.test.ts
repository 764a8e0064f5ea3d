import { connect } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterEach, expect, test } from 'vitest';
import { ToxiproxyServer } from '../server.js';
import { INTERRUPTED, type ToxicStub } from '../stub.js';
import { collect, readBytes, tcpServer, toxic, type Peer } from '../test-helpers.js';
import { defaultToxicRegistry, type ToxicKind } from './index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A custom toxic, to show the extension point: shifts every byte by `shift`. */
const caesar: ToxicKind<{ shift: number }> = {
  defaults: { shift: 1 },
  create: ({ shift }) => ({
    async pipe(stub: ToxicStub): Promise<void> {
      for (;;) {
        const chunk = await stub.read();
        if (chunk === INTERRUPTED) return;
        if (chunk === null) return stub.close();
        const data = Buffer.from(chunk.data.map((b) => (b + shift) & 0xff));
        if (!(await stub.write({ data, ts: chunk.ts }))) return;
      }
    },
  }),
};

test('the default registry holds Toxiproxy’s toxic types', () => {
  expect(defaultToxicRegistry().types.sort()).toEqual(
    ['bandwidth', 'latency', 'limit_data', 'noop', 'reset_peer', 'slicer', 'slow_close', 'timeout'].sort(),
  );
});

test('a registered custom toxic is offered by the API and applied to traffic', async () => {
  const server = new ToxiproxyServer({ host: '127.0.0.1', port: 0, registry: defaultToxicRegistry().register('caesar', caesar) });
  const echo: Peer = await tcpServer((socket) => socket.pipe(socket));
  cleanups.push(() => server.stop(), () => echo.close());
  const client = new Toxiproxy(await server.start());
  const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: echo.address });
  const added = await proxy.addToxic(toxic({ type: 'caesar' as never, stream: 'upstream' }));
  expect(added.attributes).toEqual({ shift: 1 });

  const port = Number(proxy.listen.split(':')[1]);
  const socket = connect({ host: '127.0.0.1', port });
  cleanups.push(async () => void socket.destroy());
  const reply = readBytes(socket, 3);
  socket.write('HAL');
  expect((await reply).toString()).toBe('IBM');
  const closed = collect(socket);
  socket.end();
  await closed;
});
