/**
 * A long-lived PostgreSQL connection with hard timeouts, and its abrupt end:
 * what the workload's sessions and the observers' probes both open, below
 * both so that neither reaches into the other.
 */
import pg from 'pg';
import type { ClientCredentials, Endpoint } from './types.js';

export async function connect(ep: Endpoint, creds: ClientCredentials, timeoutMs: number, application: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: ep.host,
    port: ep.port,
    user: creds.superuser.username,
    password: creds.superuser.password,
    database: 'postgres',
    application_name: application,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    keepAlive: true,
  });
  // Errors on an idle connection surface again at the next query; this only keeps them from crashing the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    destroy(client);
    throw err;
  }
  return client;
}

/** Drops a connection without a goodbye: a frozen server would never answer one. */
export function destroy(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
  client.end().catch(() => undefined);
}
