import pg from 'pg';
import type { ClientCredentials } from './types.js';
import type { Endpoint } from './types.js';

export interface SqlOptions {
  timeoutMs?: number;
  database?: string;
  application?: string;
}

/**
 * One short-lived connection with hard timeouts on connect and on every
 * statement, closed whatever happens: probes and checks must never hang on
 * a frozen or partitioned node.
 */
export async function withSql<T>(ep: Endpoint, creds: ClientCredentials, fn: (c: pg.Client) => Promise<T>, o: SqlOptions = {}): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 2000;
  const client = new pg.Client({
    host: ep.host,
    port: ep.port,
    user: creds.superuser.username,
    password: creds.superuser.password,
    database: o.database ?? 'postgres',
    application_name: o.application ?? 'patroni-chaos',
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    keepAlive: true,
  });
  // An idle-connection error after use must not crash the process; the caller sees query errors.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function queryOne<T>(ep: Endpoint, creds: ClientCredentials, sql: string, o: SqlOptions = {}): Promise<T | undefined> {
  return withSql(ep, creds, async (c) => (await c.query(sql)).rows[0] as T | undefined, o);
}
