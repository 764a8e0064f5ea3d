import { readKey } from '../cluster/etcd-api.js';
import { now } from '../history/clock.js';
import type { DcsEvent } from '../history/events.js';
import { Ticker } from './ticker.js';

/**
 * Watches Patroni's leader key by polling every etcd member in turn, and
 * records every successful read with its send and answer times and the
 * key's revision: the stale-leader check needs to know how long the key
 * certainly stayed put, not only when it changed. Without quorum no read
 * succeeds, and no event is made up: the last known holder stands.
 */
export class DcsObserver {
  #ticker: Ticker;
  #last: string | null | undefined;
  #next = 0;

  constructor(private readonly etcdUrls: readonly string[], private readonly key: string, intervalMs: number, private readonly record: (e: DcsEvent) => void) {
    this.#ticker = new Ticker(intervalMs, () => this.#probe(Math.max(intervalMs * 3, 500)));
  }

  get leader(): string | null | undefined {
    return this.#last;
  }

  start(): void {
    this.#ticker.start();
  }

  stop(): Promise<void> {
    return this.#ticker.stop();
  }

  async #probe(timeoutMs: number): Promise<void> {
    for (let i = 0; i < this.etcdUrls.length; i++) {
      const url = this.etcdUrls[(this.#next + i) % this.etcdUrls.length] as string;
      try {
        const t = now();
        const { value: leader, revision } = await readKey(url, this.key, timeoutMs);
        this.#last = leader;
        this.record({ kind: 'dcs', t, end: now(), leader, revision });
        return;
      } catch {
        this.#next = (this.#next + 1) % this.etcdUrls.length; // this member is down or partitioned: ask the next one
      }
    }
  }
}
