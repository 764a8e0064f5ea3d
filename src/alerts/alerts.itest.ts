/**
 * The documented alerts against a real local cluster, checked against an
 * independent source: the raw text of every /metrics, fetched with the
 * platform's fetch and searched line by line, not through the harness's
 * exposition parser or matcher.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalProvider } from '../cluster/local/provider.js';
import { runCli } from '../test-support/cli.js';
import { parsePromql } from './promql.js';
import { alertsReport, loadDocumentedRules, type AlertsReport } from './report.js';
import { scrapeCluster } from './scrape.js';
import { DOCUMENTED_SCOPE } from './scope.js';

/** Lines of the raw bodies that would satisfy `name{a="x",...}` (equality matchers only, as the documents write them). */
function rawLines(bodies: readonly string[], selector: string, scope: string): string[] {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(selector)?.[0] ?? '';
  const wanted = [...selector.matchAll(/([a-zA-Z_]\w*)="([^"]*)"/g)].map(([, l, v]) => `${l}="${v === DOCUMENTED_SCOPE ? scope : v}"`);
  return bodies.flatMap((b) => b.split('\n')).filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((w) => l.includes(w)));
}

describe('documented alerts on the local provider', () => {
  it('can-never-fire names series absent from every raw /metrics; the rules on exported series can fire', async () => {
    const cluster = await new LocalProvider({ portBase: 8800 }).start();
    try {
      const startedAt = Date.now();
      const report = alertsReport({ files: loadDocumentedRules(), scrapes: [await scrapeCluster(cluster)], scope: cluster.scope, startedAt });
      const urls = [...cluster.members.map((m) => `${m.restUrl}/metrics`), ...cluster.etcd.map((e) => `${e.clientUrl}/metrics`)];
      const bodies = await Promise.all(urls.map(async (u) => (await fetch(u)).text()));
      expect(report.scrape.errors).toEqual([]);
      expect(report.scrape.targets.map((t) => t.scraped)).toEqual(urls.map(() => true));

      const byName = (n: string) => report.rules.find((r) => r.name === n);
      for (const r of report.rules.filter((x) => x.can_fire === false)) {
        expect(r.missing.length, r.name).toBeGreaterThan(0);
        for (const m of r.missing) expect(rawLines(bodies, m.selector, cluster.scope), `${r.name}: ${m.selector}`).toEqual([]);
      }
      for (const r of report.rules.filter((x) => x.can_fire === true)) {
        // The selectors as PromQL's grammar finds them; their presence is checked in the raw text.
        const parsed = parsePromql(r.expr);
        for (const sel of parsed.ok ? parsed.selectors : []) expect(rawLines(bodies, sel.text, cluster.scope).length, `${r.name}: ${sel.text}`).toBeGreaterThan(0);
      }
      expect(byName('PostgresNodeUnhealthy')?.can_fire).toBe(true);
      expect(byName('EtcdUnhealthy')?.can_fire).toBe(true);
      expect(byName('EtcdQuorumLost')?.can_fire).toBe(true);
      expect(byName('PostgresInsufficientReplicas')?.can_fire).toBe(true);
      // Patroni 3.x exports patroni_master, 4.x no longer: the verdict follows what this machine's Patroni exports.
      expect(byName('PostgresNoLeader')?.can_fire).toBe(rawLines(bodies, `patroni_master{scope="${cluster.scope}"}`, cluster.scope).length > 0);
      // Series neither Patroni exports, a label it does not set, an exporter this topology does not run.
      for (const n of ['PostgresReplicationLag', 'PostgresReplicationLagCritical', 'PatroniPrimaryDown', 'PatroniReplicationLagHigh', 'PatroniSyncReplicationBroken', 'PostgresConnectionsHigh']) {
        expect(byName(n)?.can_fire, n).toBe(false);
      }
      expect(bodies.some((b) => /^patroni_postgres_running\{[^}]*role=/m.test(b))).toBe(false);
      expect(byName('PostgresConnectionsHigh')?.missing[0]?.why).toMatch(/needs postgres_exporter, not run by this topology/);
    } finally {
      await cluster.stop();
    }
  });

  it('a run reports the alerts (scraped before the fault and at the end) without changing its verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-alerts-'));
    const file = join(dir, 'alerts-kill.yaml');
    writeFileSync(file, `name: alerts-kill
cluster: { replication: synchronous, patroni: { ttl: 10, loop_wait: 2, retry_timeout: 3 } }
steps:
  - wait_for: healthy
  - fault: { action: kill, target: primary }
  - wait_for: { condition: new-leader, timeout: 60s }
  - wait_for: { condition: writable, timeout: 60s }
  - heal: all
  - wait_for: { condition: converged, timeout: 120s }
sla:
  rto: "< 60s"
`);
    const out = join(dir, 'out');
    const r = await runCli(['run', file, '--report-dir', out, '--port-base', '8900']);
    const runDir = join(out, readdirSync(out)[0] ?? '');
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { verdict: string; alerts: AlertsReport; timeline: Array<{ kind: string; phase?: string; at_ms: number }> };
    // The verdict line (stdout) names the violated line; progress (stderr) shows where the run was.
    expect(r.code, `${r.stdout}\n${r.stderr.slice(-2000)}`).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(report.alerts.judged).toBe(false);
    expect(report.alerts.scrape.at_ms).toHaveLength(2);
    const inject = report.timeline.find((e) => e.kind === 'fault' && e.phase === 'inject');
    expect(report.alerts.scrape.at_ms[0]).toBeLessThan(inject?.at_ms ?? -1);
    expect(report.alerts.rules.filter((x) => x.can_fire === false).length).toBeGreaterThan(0);
    expect(readFileSync(join(runDir, 'report.md'), 'utf8')).toMatch(/## Documented alerts\n\n_Reported, not judged/);
  });

  it('kill-primary with a long ttl: the run\'s Prometheus fires PostgresNoLeader within 90 s and resolves it, the on-call gets both, the line passes', async () => {
    // ttl 90: the killed leader's key outlives PostgresNoLeader's `for: 1m`, so `sum(patroni_master) == 0` holds long enough to fire.
    const dir = mkdtempSync(join(tmpdir(), 'pc-alerts-prom-'));
    const file = join(dir, 'alerts-no-leader.yaml');
    writeFileSync(file, `name: alerts-no-leader
cluster: { replication: synchronous, patroni: { ttl: 90, loop_wait: 10, retry_timeout: 10 } }
steps:
  - wait_for: healthy
  - fault: { action: kill, target: primary }
  - wait_for: { condition: new-leader, timeout: 180s }
  - wait_for: { condition: writable, timeout: 60s }
  - heal: all
  - wait_for: { condition: converged, timeout: 120s }
sla:
  rto: "< 180s"
  alerts: { PostgresNoLeader: "fires within 90s", EtcdUnhealthy: never fires, EtcdQuorumLost: never fires }
`);
    const out = join(dir, 'out');
    const r = await runCli(['run', file, '--report-dir', out, '--port-base', '8900']);
    const runDir = join(out, readdirSync(out)[0] ?? '');
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as {
      verdict: string; alerts: AlertsReport; alert_sla: Array<{ rule: string; status: string; observed_ms: number | null; note: string }>;
      timeline: Array<{ kind: string; phase?: string; at_ms: number }>;
    };
    const detail = `${r.stdout}\n${JSON.stringify(report.alert_sla, null, 1)}\n${r.stderr.slice(-2000)}`;
    expect(report.alerts.evaluated_by, detail).toBe('prometheus');
    expect(report.alerts.prometheus?.adapted.some((a) => a.includes('read as the run\'s scope')), detail).toBe(true);
    const noLeader = report.alerts.rules.find((x) => x.name === 'PostgresNoLeader');
    const line = report.alert_sla.find((l) => l.rule === 'PostgresNoLeader');
    const inject = report.timeline.find((e) => e.kind === 'fault' && e.phase === 'inject')?.at_ms ?? NaN;
    if (noLeader?.can_fire !== true) {
      // Patroni 4 exports no patroni_master: the rule cannot fire, and the line says so by failing.
      expect(line?.status, detail).toBe('fail');
      expect(noLeader?.fired?.some((f) => f.state === 'firing')).toBe(false);
      return;
    }
    expect(r.code, detail).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(line?.status, detail).toBe('pass');
    // Pending at once (the killed member's series go, the others say 0), firing after its `for: 1m`, resolved once a leader is back.
    const firing = (noLeader.fired ?? []).filter((f) => f.state === 'firing');
    expect(firing, detail).toHaveLength(1);
    expect(noLeader.first_fired_after_fault_ms ?? NaN).toBeGreaterThanOrEqual(60_000);
    expect(noLeader.first_fired_after_fault_ms ?? NaN).toBeLessThan(90_000);
    expect(firing[0]?.to_ms).not.toBeNull();
    expect(noLeader.resolved_ms ?? NaN).toBeGreaterThan(inject + 60_000);
    const sent = (report.alerts.notifications ?? []).flatMap((n) => n.alerts.filter((a) => a.alertname === 'PostgresNoLeader').map(() => n.status));
    expect(sent, detail).toEqual(['firing', 'resolved']);
    expect(report.alert_sla.filter((l) => l.rule !== 'PostgresNoLeader').map((l) => l.status)).toEqual(['pass', 'pass']);
    expect(readFileSync(join(runDir, 'report.md'), 'utf8')).toMatch(/## Alert lines[\s\S]*PostgresNoLeader[\s\S]*✅ pass/);
    expect(readFileSync(join(runDir, 'timeline.html'), 'utf8')).toMatch(/data-alert="PostgresNoLeader" data-state="firing"/);
  });
});
