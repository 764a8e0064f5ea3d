import { createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { HarnessError } from '../../errors.js';
import { HOST } from './topology.js';

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: HOST, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Who listens on a port, from `ss`, for the error message; empty when unknown. */
function holderOf(port: number): string {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8', timeout: 2000 });
    return /users:\(\("([^"]+)",pid=(\d+)/.exec(out)?.slice(1, 3).join(' pid ') ?? '';
  } catch {
    return '';
  }
}

/** Fails with PORT_IN_USE naming every busy port, before anything is started. */
export async function assertPortsFree(ports: Map<number, string>, portBase: number): Promise<void> {
  const busy: string[] = [];
  for (const [port, what] of ports) {
    if (!(await tryListen(port))) {
      const holder = holderOf(port);
      busy.push(`${port} (${what})${holder ? ` held by ${holder}` : ''}`);
    }
  }
  if (busy.length > 0) {
    throw new HarnessError(
      'PORT_IN_USE',
      `port(s) in use: ${busy.join(', ')}. Another run may be using port base ${portBase}: stop it (patroni-chaos cluster down) or choose another base with --port-base.`,
    );
  }
}
