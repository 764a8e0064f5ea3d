/**
 * Patroni's REST API, as the harness needs it. Every call has a timeout: a
 * frozen node must never stall the caller.
 */
import { request } from 'undici';

export interface PatroniStatus {
  state: string;
  role: string;
  timeline?: number;
  server_version?: number;
  xlog?: { location?: number; received_location?: number; replayed_location?: number };
  patroni?: { version: string; scope: string; name?: string };
}

export interface ClusterMember {
  name: string;
  role: string;
  state: string;
  host: string;
  port: number;
  timeline?: number;
  lag?: number | string;
}

export interface ClusterView {
  members: ClusterMember[];
}

export class PatroniHttpError extends Error {
  constructor(readonly status: number, readonly body: string, url: string) {
    super(`${url}: HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/** Credentials of Patroni's REST API (`restapi.authentication`), required by its unsafe endpoints. */
export interface RestAuth {
  username: string;
  password: string;
}

const basic = (a: RestAuth) => `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, timeoutMs: number, body?: unknown, auth?: RestAuth): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(auth === undefined ? {} : { authorization: basic(auth) }),
  };
  const res = await request(url, {
    method,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

async function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const { status, text } = await call('GET', url, timeoutMs);
  // /patroni answers 503 with a full JSON body on a non-running node: the body is still the status.
  if (status >= 500 && !text.startsWith('{')) throw new PatroniHttpError(status, text, url);
  return JSON.parse(text) as T;
}

export function getPatroni(restUrl: string, timeoutMs = 1000): Promise<PatroniStatus> {
  return getJson(`${restUrl}/patroni`, timeoutMs);
}

/** Patroni's dynamic configuration (the DCS /config): ttl, loop_wait, synchronous_mode... */
export function getConfig(restUrl: string, timeoutMs = 2000): Promise<Record<string, unknown>> {
  return getJson(`${restUrl}/config`, timeoutMs);
}

export function getCluster(restUrl: string, timeoutMs = 2000): Promise<ClusterView> {
  return getJson(`${restUrl}/cluster`, timeoutMs);
}

/** Status code of a health endpoint (/primary, /replica, /health). */
export async function healthStatus(restUrl: string, path: string, timeoutMs = 1000): Promise<number> {
  return (await call('GET', `${restUrl}${path}`, timeoutMs)).status;
}

async function post(url: string, body: unknown, auth: RestAuth, timeoutMs: number): Promise<string> {
  const { status, text } = await call('POST', url, timeoutMs, body, auth);
  if (status >= 300) throw new PatroniHttpError(status, text, url);
  return text;
}

export function switchover(restUrl: string, auth: RestAuth, leader: string, candidate?: string, timeoutMs = 60_000): Promise<string> {
  return post(`${restUrl}/switchover`, { leader, ...(candidate === undefined ? {} : { candidate }) }, auth, timeoutMs);
}

export function failover(restUrl: string, auth: RestAuth, candidate: string, timeoutMs = 60_000): Promise<string> {
  return post(`${restUrl}/failover`, { candidate }, auth, timeoutMs);
}

/** Patroni 3.0 still says "master" for the primary on some endpoints. */
export function isPrimaryRole(role: string | undefined): boolean {
  return role === 'master' || role === 'primary' || role === 'leader' || role === 'standby_leader';
}

/**
 * A standby that synchronous replication counts: `sync_standby` under
 * synchronous_mode on, `quorum_standby` (a voter) under synchronous_mode
 * quorum, Patroni 4.0 and later.
 */
export function isSyncRole(role: string | undefined): boolean {
  return role === 'sync_standby' || role === 'quorum_standby';
}

/** Any standby following the leader, synchronous or not. */
export function isReplicaRole(role: string | undefined): boolean {
  return role === 'replica' || isSyncRole(role);
}

/** Changes Patroni's dynamic configuration (keys merge into the DCS /config; null removes one) and returns the new one. */
export async function patchConfig(restUrl: string, auth: RestAuth, body: Record<string, unknown>, timeoutMs = 2000): Promise<Record<string, unknown>> {
  const url = `${restUrl}/config`;
  const { status, text } = await call('PATCH', url, timeoutMs, body, auth);
  if (status >= 300) throw new PatroniHttpError(status, text, url);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * Wakes a member's HA loop at once, instead of waiting up to loop_wait for
 * it: Patroni's PATCH /config handler does so when the patch changes nothing,
 * so `settings` must be values the DCS already holds. A member whose view of
 * the DCS (etcd3's watch cache) has not yet seen them tries to write them
 * with a stale index and answers 409: asked again a moment later, it wakes.
 * Returns whether it woke; only a refused password is an error (the harness's own bug).
 */
export async function wakeHaLoop(restUrl: string, auth: RestAuth, settings: Record<string, unknown>, timeoutMs = 2000): Promise<boolean> {
  const url = `${restUrl}/config`;
  for (let attempt = 1; ; attempt++) {
    let answer: { status: number; text: string };
    try {
      answer = await call('PATCH', url, timeoutMs, settings, auth);
    } catch {
      return false; // a member too busy to answer is not woken; whoever asked waits for its own loop
    }
    const { status, text } = answer;
    if (status === 401 || status === 403) throw new PatroniHttpError(status, text, url);
    if (status !== 409 || attempt === 10) return status === 200;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** "150020" -> "15.20"; "90624" -> "9.6.24" (PostgreSQL's server_version_num). */
export function pgVersion(num: number | undefined): string | null {
  if (num === undefined || !(num > 0)) return null;
  return num >= 100000 ? `${Math.floor(num / 10000)}.${num % 10000}` : `${Math.floor(num / 10000)}.${Math.floor(num / 100) % 100}.${num % 100}`;
}
