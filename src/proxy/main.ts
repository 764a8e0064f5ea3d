import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ToxiproxyServer } from './server.js';

// The standalone server. Flags follow toxiproxy-server: --host, --port, --config (a /populate JSON file).
const USAGE = 'usage: node dist/proxy/main.js [--host localhost] [--port 8474] [--config proxies.json]';

/** Starts a server as the command line says. */
export async function startFromArgs(argv: readonly string[]): Promise<ToxiproxyServer> {
  // Go's flag package accepts -host as well as --host.
  const args = argv.map((a) => (/^-[a-z]{2,}/.test(a) ? `-${a}` : a));
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string', default: 'localhost' },
      port: { type: 'string', default: '8474' },
      config: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`invalid port: ${values.port}`);
  const server = new ToxiproxyServer({ host: values.host, port });
  await server.start();
  if (values.config !== undefined) {
    const { error } = await server.proxies.populate(JSON.parse(await readFile(values.config, 'utf8')));
    if (error !== undefined) console.error(`populate ${values.config}: ${error.message}`);
  }
  return server;
}

type SignalSource = { once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown };

/** On SIGTERM or SIGINT, closes every proxy and the API, then exits. */
export function stopOnSignals(
  server: ToxiproxyServer,
  source: SignalSource = process,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => exit(0),
      (err: unknown) => {
        console.error(err);
        exit(1);
      },
    );
  };
  source.once('SIGTERM', stop);
  source.once('SIGINT', stop);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) {
  startFromArgs(process.argv.slice(2)).then(
    (server) => {
      console.log(`Toxiproxy-compatible API listening on ${server.url}`);
      stopOnSignals(server);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      console.error(USAGE);
      process.exit(2);
    },
  );
}
