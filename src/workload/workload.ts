import type pg from 'pg';
import type { ClientCredentials } from '../cluster/types.js';
import type { Endpoint } from '../cluster/types.js';
import { now } from '../history/clock.js';
import type { Outcome, WriteEvent } from '../history/events.js';
import type { WorkloadSpec } from '../scenario/types.js';
import { outcomeAfterSend } from './classify.js';
import { connect, destroy } from '../cluster/pg-connect.js';
import { addressKey, identify, type Identity } from './connection.js';
import { insert } from './insert.js';

export interface WorkloadTarget {
  /** The write endpoint (HAProxy's primary port). */
  endpoint: Endpoint;
  credentials: ClientCredentials;
  /** Member name by PostgreSQL's own address (`addressKey`), to name the node that acknowledged a write. */
  nodeByAddress: ReadonlyMap<string, string>;
}

export interface WorkloadStats {
  ok: number;
  fail: number;
  info: number;
  lastOkNode: string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * N writers inserting unique keys through the write endpoint, closed loop or
 * at a fixed total rate, each op recorded with its outcome. A writer knows
 * nothing of faults: it only reconnects (with backoff) when its connection
 * breaks, and reports what it saw.
 */
export class Workload {
  readonly stats: WorkloadStats = { ok: 0, fail: 0, info: 0, lastOkNode: undefined };
  #nextKey = 1;
  #running = false;
  #loops: Promise<void>[] = [];

  constructor(
    private readonly spec: WorkloadSpec,
    private readonly target: WorkloadTarget,
    private readonly record: (e: WriteEvent) => void,
  ) {}

  start(): void {
    this.#running = true;
    this.#loops = Array.from({ length: this.spec.writers }, (_, i) => this.#writer(i));
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  async #writer(id: number): Promise<void> {
    const interval = this.spec.rate === undefined ? 0 : (1000 * this.spec.writers) / this.spec.rate;
    let client: pg.Client | undefined;
    let identity: Identity | undefined;
    /** The member behind the connection's identity, looked up once per identity, not per write. */
    let member: string | undefined;
    let backoff = 0;
    let next = now() + (interval * id) / this.spec.writers;
    while (this.#running) {
      if (interval > 0) {
        const wait = next - now();
        if (wait > 0) await sleep(wait);
        next = Math.max(next + interval, now() - interval);
        if (!this.#running) break;
      }
      const key = this.#nextKey++;
      const start = now();
      let outcome: Outcome = 'fail';
      let error: string | undefined;
      let sent = false;
      try {
        client ??= await connect(this.target.endpoint, this.target.credentials, this.spec.timeoutMs, `chaos-writer-${id}`);
        if (identity === undefined || identity.inRecovery) {
          identity = await identify(client);
          member = this.target.nodeByAddress.get(addressKey(identity.addr, identity.port));
        }
        sent = true;
        await insert(client, key, id);
        outcome = 'ok';
      } catch (err) {
        outcome = sent ? outcomeAfterSend(err) : 'fail';
        error = (err as Error).message;
        if (client) destroy(client);
        client = undefined;
        identity = undefined;
        member = undefined;
      }
      const end = now();
      const event: WriteEvent = { kind: 'write', key, writer: id, start, end, outcome };
      // The timeline even when the member could not be named: a newer one than before a fault is a new leader's.
      if (outcome === 'ok' && identity) Object.assign(event, member === undefined ? {} : { node: member }, { timeline: identity.timeline });
      if (error !== undefined) event.error = error;
      this.record(event);
      this.stats[outcome]++;
      if (event.node !== undefined) this.stats.lastOkNode = event.node;
      // Back off only while failing, so a healthy writer runs flat out and recovery is seen within ~backoff.
      backoff = outcome === 'ok' ? 0 : Math.min(Math.max(backoff * 2, 20), 250);
      if (backoff > 0) await sleep(backoff * (0.5 + Math.random() / 2));
    }
    if (client) destroy(client);
  }
}
