import { createWriteStream, type WriteStream } from 'node:fs';
import type { EventKind, EventOf, HistoryEvent } from './events.js';

/**
 * Append-only history, kept in memory for the checks and mirrored to a
 * JSON-lines file so that a run can be re-checked later from its file alone.
 */
export class History {
  readonly #events: HistoryEvent[] = [];
  readonly #out: WriteStream | undefined;

  constructor(file?: string) {
    this.#out = file === undefined ? undefined : createWriteStream(file, { flags: 'a' });
  }

  append(event: HistoryEvent): void {
    this.#events.push(event);
    this.#out?.write(`${JSON.stringify(event)}\n`);
  }

  get events(): readonly HistoryEvent[] {
    return this.#events;
  }

  async close(): Promise<void> {
    const out = this.#out;
    if (out === undefined || out.closed) return;
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

export function ofKind<K extends EventKind>(events: readonly HistoryEvent[], kind: K): EventOf<K>[] {
  return events.filter((e): e is EventOf<K> => e.kind === kind);
}
