/**
 * The on-call's pager, inside the harness: an HTTP server Alertmanager's
 * webhook posts to. It records each notification as it arrives (history
 * clock), which is what an on-call would have received and when.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertEvaluationEvent } from '../history/events.js';
import { now } from '../history/clock.js';

export type Notification = NonNullable<AlertEvaluationEvent['notifications']>[number];

/** Alertmanager's webhook body (version 4), as far as the report reads it. */
interface WebhookBody {
  status?: string;
  alerts?: Array<{ status?: string; labels?: Record<string, string>; startsAt?: string; endsAt?: string }>;
}

/** A notification from a webhook body; a body that is not Alertmanager's is kept, with status "unreadable". */
export function notificationOf(body: string, at: number): Notification {
  try {
    const b = JSON.parse(body) as WebhookBody;
    return {
      at,
      status: b.status ?? 'unknown',
      alerts: (b.alerts ?? []).map((a) => ({ alertname: a.labels?.['alertname'] ?? '?', status: a.status ?? 'unknown', severity: a.labels?.['severity'] ?? null, starts_at: a.startsAt ?? '', ends_at: a.endsAt ?? '' })),
    };
  } catch {
    return { at, status: 'unreadable', alerts: [] };
  }
}

export class WebhookReceiver {
  readonly #received: Notification[];
  readonly #server: Server;

  private constructor(server: Server, received: Notification[]) {
    this.#server = server;
    this.#received = received;
  }

  /** Listens on `host` (a port the system picks); `url()` is where Alertmanager must post. */
  static async listen(host: string): Promise<WebhookReceiver> {
    const received: Notification[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(notificationOf(Buffer.concat(chunks).toString('utf8'), now()));
        res.writeHead(200).end();
      });
    });
    const receiver = new WebhookReceiver(server, received);
    await new Promise<void>((done, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => done());
    });
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** What was received so far, in order of arrival. */
  notifications(): Notification[] {
    return [...this.#received];
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }
}
