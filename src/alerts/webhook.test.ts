import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { notificationOf, WebhookReceiver } from './webhook.js';

const BODY = JSON.stringify({
  version: '4', status: 'resolved', receiver: 'harness',
  alerts: [{ status: 'resolved', labels: { alertname: 'PostgresNoLeader', severity: 'critical' }, startsAt: '2026-12-07T10:00:00Z', endsAt: '2026-12-07T10:01:00Z' }],
});

describe('the webhook receiver', () => {
  it('records what Alertmanager posts, in order, with when it arrived', async () => {
    const r = await WebhookReceiver.listen('127.0.0.1');
    try {
      const post = async (body: string) => (await request(`http://127.0.0.1:${r.port}/`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).statusCode;
      expect(await post(JSON.stringify({ status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'PostgresNoLeader' } }] }))).toBe(200);
      expect(await post(BODY)).toBe(200);
      expect(r.notifications().map((n) => [n.status, n.alerts[0]?.alertname, n.alerts[0]?.severity ?? null])).toEqual([['firing', 'PostgresNoLeader', null], ['resolved', 'PostgresNoLeader', 'critical']]);
      expect(r.notifications()[1]?.at).toBeGreaterThanOrEqual(r.notifications()[0]?.at ?? Infinity);
    } finally {
      await r.close();
    }
  });

  it('keeps a body that is not Alertmanager\'s, as unreadable, rather than dropping it', () => {
    expect(notificationOf('not json', 5)).toEqual({ at: 5, status: 'unreadable', alerts: [] });
    expect(notificationOf(BODY, 7).alerts[0]).toEqual({ alertname: 'PostgresNoLeader', status: 'resolved', severity: 'critical', starts_at: '2026-12-07T10:00:00Z', ends_at: '2026-12-07T10:01:00Z' });
  });
});
