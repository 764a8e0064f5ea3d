// Benchmark of the Toxiproxy-compatible proxy (src/proxy): bulk throughput each
// way (client to server, "up", as a client's writes go; server to client,
// "down", as WAL goes to a replica that streams through a proxy) and
// small-message round-trip time through the proxy, side by side with a direct
// connection to the same server; and connection churn: connections opened,
// answered once and closed, one after another, per second. Needs the build: `npm run build`, then
// `node bench/proxy.mjs [--reps 5] [--mb 256] [--pings 2000] [--connections 500]`. BENCH_BASE=<another checkout
// with a built dist/> adds that checkout's proxy as "base" and "base+noop", run side by side
// (several, comma-separated, are labelled by their folder names).
//
// The proxy runs in a worker thread, as a real Toxiproxy runs in its own
// process: the main thread's client and server do the same work in both
// setups, so the difference is the proxy's. Traffic stays on 127.0.0.1.
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const MODULE = process.env.PROXY_MODULE ?? new URL('../dist/proxy/index.js', import.meta.url).href;
const BASE = process.env.BENCH_BASE;
const block = Buffer.alloc(1024 * 1024, 7);
/** What the source server sends each client before it ends. */
let pourMegabytes = 0;

if (!isMainThread) {
  const { ToxiproxyServer } = await import(workerData.module);
  const server = new ToxiproxyServer({ host: '127.0.0.1', port: 0 });
  await server.start();
  const proxies = {};
  for (const [name, upstream] of Object.entries(workerData.upstreams)) {
    proxies[name] = (await server.proxies.create({ name, listen: '127.0.0.1:0', upstream })).listen;
  }
  if (workerData.noop) {
    for (const stream of ['upstream', 'downstream']) {
      for (const name of Object.keys(proxies)) await server.proxies.get(name).toxics.add({ type: 'noop', stream });
    }
  }
  parentPort.postMessage(proxies);
  parentPort.once('message', async () => {
    await server.stop();
    parentPort.close();
  });
} else {
  await main();
}

async function main() {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '5' },
      mb: { type: 'string', default: '256' },
      pings: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '500' },
    },
  });
  const reps = Number(values.reps);
  const megabytes = Number(values.mb);
  const pings = Number(values.pings);
  const connections = Number(values.connections);

  const sink = await listen((socket) => socket.resume());
  const source = await listen((socket) => void pour(socket, pourMegabytes));
  const echo = await listen((socket) => socket.pipe(socket));
  const upstreams = {
    sink: `127.0.0.1:${sink.port}`,
    source: `127.0.0.1:${source.port}`,
    echo: `127.0.0.1:${echo.port}`,
  };
  const setups = [
    { label: 'direct', addresses: upstreams, stop: async () => {} },
    await proxied('proxy', MODULE, upstreams, false),
    await proxied('proxy+noop', MODULE, upstreams, true),
  ];
  const bases = (BASE ?? '').split(',').filter((dir) => dir !== '');
  for (const [i, dir] of bases.entries()) {
    const module = pathToFileURL(resolve(dir, 'dist/proxy/index.js')).href;
    // Named by folder when there are several; a name already taken (or a folder met twice) gets its position.
    let label = bases.length > 1 ? basename(resolve(dir)) : 'base';
    if (setups.some((s) => s.label === label || s.label === `${label}+noop`)) label = `${label}#${i + 1}`;
    setups.push(await proxied(label, module, upstreams, false), await proxied(`${label}+noop`, module, upstreams, true));
  }

  const results = Object.fromEntries(setups.map((s) => [s.label, { up: [], down: [], churn: [], p50: [], p99: [] }]));
  // Warm up JIT and sockets, then interleave setups so drift hits all alike.
  for (const setup of setups) {
    await upload(setup.addresses.sink, 32);
    await download(setup.addresses.source, 32);
    await roundTrips(setup.addresses.echo, 200);
    await churn(setup.addresses.echo, 50);
  }
  for (let rep = 0; rep < reps; rep++) {
    // Each rep starts one setup further on, so no setup always runs after the same one (and its
    // leftover garbage and TIME_WAIT sockets); churn comes first, before the setup's own bulk transfers.
    for (const setup of [...setups.slice(rep % setups.length), ...setups.slice(0, rep % setups.length)]) {
      const r = results[setup.label];
      r.churn.push(await churn(setup.addresses.echo, connections));
      r.up.push(await upload(setup.addresses.sink, megabytes));
      r.down.push(await download(setup.addresses.source, megabytes));
      const rtts = await roundTrips(setup.addresses.echo, pings);
      r.p50.push(quantile(rtts, 0.5));
      r.p99.push(quantile(rtts, 0.99));
    }
  }
  for (const setup of setups) await setup.stop();
  for (const server of [sink, source, echo]) server.server.close();

  report(results, { reps, megabytes, pings, connections });
}

/** The proxy in a worker thread, fronting each upstream. */
async function proxied(label, module, upstreams, noop) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { module, upstreams, noop } });
  const [addresses] = await once(worker, 'message');
  return {
    label,
    addresses,
    stop: async () => {
      worker.postMessage('stop');
      await once(worker, 'exit');
    },
  };
}

function listen(onSocket) {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    onSocket(socket);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

function open(address) {
  const [host, port] = address.split(':');
  const socket = connect({ host, port: Number(port), noDelay: true });
  return once(socket, 'connect').then(() => socket);
}

async function pour(socket, megabytes) {
  for (let i = 0; i < megabytes; i++) {
    if (!socket.write(block)) await once(socket, 'drain');
  }
  socket.end();
}

/** MB/s for `megabytes` read from a server that sends them and ends, timed from connecting to the end. */
async function download(address, megabytes) {
  pourMegabytes = megabytes;
  const start = process.hrtime.bigint();
  const socket = await open(address);
  let bytes = 0;
  socket.on('data', (data) => (bytes += data.length));
  await once(socket, 'end');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  socket.destroy();
  if (bytes !== megabytes * 1024 * 1024) throw new Error(`read ${bytes} bytes of ${megabytes} MB`);
  return (megabytes * 1024 * 1024) / 1e6 / seconds;
}

/** MB/s for `megabytes` written to a discarding server, timed until the server side has closed. */
async function upload(address, megabytes) {
  const socket = await open(address);
  const start = process.hrtime.bigint();
  for (let i = 0; i < megabytes; i++) {
    if (!socket.write(block)) await once(socket, 'drain');
  }
  socket.end();
  // The sink ends once it has read everything, so 'end' here means all bytes arrived.
  socket.resume();
  await once(socket, 'close');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return (megabytes * 1024 * 1024) / 1e6 / seconds;
}

/** Connections per second, each opened, answered one 16-byte ping and closed before the next. */
async function churn(address, count) {
  const ping = Buffer.alloc(16, 1);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const socket = await open(address);
    socket.write(ping);
    let got = 0;
    await new Promise((resolve) => {
      socket.on('data', (data) => {
        got += data.length;
        if (got >= ping.length) resolve();
      });
    });
    socket.destroy();
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Round-trip times in µs of `count` sequential 16-byte ping/pong exchanges. */
async function roundTrips(address, count) {
  const socket = await open(address);
  const ping = Buffer.alloc(16, 1);
  const times = [];
  let pending = 0;
  let wake = () => {};
  socket.on('data', (data) => {
    pending -= data.length;
    if (pending <= 0) wake();
  });
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    pending = ping.length;
    const answered = new Promise((resolve) => (wake = resolve));
    socket.write(ping);
    await answered;
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  socket.destroy();
  return times;
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function median(values) {
  return quantile(values, 0.5);
}

function report(results, { reps, megabytes, pings, connections }) {
  const base = results.direct;
  const num = (n, width, digits = 1) => n.toFixed(digits).padStart(width);
  const added = (n, width) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`.padStart(width);
  console.log(`proxy benchmark: node ${process.version}, medians of ${reps} runs`);
  console.log(
    `throughput: ${megabytes} MB client -> server (up) and server -> client (down); ratio: of the medians; ` +
      `paired: median of each rep's ratio. RTT: ${pings} sequential 16-byte pings to an echo server. ` +
      `conn/s: ${connections} connections opened, pinged once and closed, one after another\n`,
  );
  console.log(
    `${'setup'.padEnd(16)}${'up MB/s'.padStart(9)}${'ratio'.padStart(7)}${'paired'.padStart(8)}` +
      `${'down MB/s'.padStart(11)}${'ratio'.padStart(7)}${'paired'.padStart(8)}` +
      `${'RTT p50 µs'.padStart(12)}${'added'.padStart(8)}${'RTT p99 µs'.padStart(12)}${'added'.padStart(8)}` +
      `${'conn/s'.padStart(9)}${'ratio'.padStart(7)}${'paired'.padStart(8)}`,
  );
  // The median of each rep's ratio: a setup and direct run back to back, so a rep's drift
  // (direct alone swings by half between runs on a busy machine) cancels out.
  const paired = (mine, theirs) => median(mine.map((x, i) => x / theirs[i]));
  for (const [label, r] of Object.entries(results)) {
    const [up, down, p50, p99] = [median(r.up), median(r.down), median(r.p50), median(r.p99)];
    console.log(
      label.padEnd(16) +
        num(up, 9) +
        num(up / median(base.up), 7, 2) +
        num(paired(r.up, base.up), 8, 2) +
        num(down, 11) +
        num(down / median(base.down), 7, 2) +
        num(paired(r.down, base.down), 8, 2) +
        num(p50, 12) +
        added(p50 - median(base.p50), 8) +
        num(p99, 12) +
        added(p99 - median(base.p99), 8) +
        num(median(r.churn), 9, 0) +
        num(median(r.churn) / median(base.churn), 7, 2) +
        num(paired(r.churn, base.churn), 8, 2),
    );
  }
}
