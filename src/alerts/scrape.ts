/**
 * What a Prometheus scraping the cluster would store: every Patroni REST
 * /metrics and every etcd client /metrics, reached through the endpoints the
 * cluster declares (the same ones the observers use). Reads only; a target
 * that does not answer is recorded with its error, never skipped silently.
 */
import { request } from 'undici';
import { errorMessage } from '../errors.js';
import { now } from '../history/clock.js';
import { parseExposition, type Labels } from './exposition.js';

export type TargetKind = 'patroni' | 'etcd';

export interface Target {
  kind: TargetKind;
  /** The member's or etcd member's name. */
  name: string;
  /** The /metrics URL. */
  url: string;
}

/** One scrape of one target: its series (with the `instance` label Prometheus adds) or why there are none. */
export type TargetScrape = Target & ({ ok: true; series: Labels[]; badLines: number } | { ok: false; error: string });

export interface Scrape {
  /** When the scrape started (epoch ms, the history's clock, so that it orders with the run's events). */
  at: number;
  targets: TargetScrape[];
}

/** The cluster's part a scrape needs; StartedCluster has it. */
export interface ScrapeEndpoints {
  members: ReadonlyArray<{ name: string; restUrl: string }>;
  etcd: ReadonlyArray<{ name: string; clientUrl: string }>;
}

export function targetsOf(c: ScrapeEndpoints): Target[] {
  const metrics = (base: string) => `${base.replace(/\/+$/, '')}/metrics`;
  return [
    ...c.members.map((m) => ({ kind: 'patroni' as const, name: m.name, url: metrics(m.restUrl) })),
    ...c.etcd.map((e) => ({ kind: 'etcd' as const, name: e.name, url: metrics(e.clientUrl) })),
  ];
}

/** Scrapes every target at once, each bounded by `timeoutMs`. Never throws. */
export async function scrapeCluster(c: ScrapeEndpoints, timeoutMs = 3000): Promise<Scrape> {
  const at = now();
  return { at, targets: await Promise.all(targetsOf(c).map((t) => scrapeTarget(t, timeoutMs))) };
}

export async function scrapeTarget(t: Target, timeoutMs: number): Promise<TargetScrape> {
  try {
    const res = await request(t.url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.body.text();
    if (res.statusCode !== 200) return { ...t, ok: false, error: `HTTP ${res.statusCode}: ${text.slice(0, 200)}` };
    return { ...t, ...fromText(text, instanceOf(t.url)) };
  } catch (err) {
    return { ...t, ok: false, error: errorMessage(err) };
  }
}

/**
 * The series of one exposition as Prometheus stores them: `instance` is the
 * target's address and an exposed `instance` or `job` becomes `exported_*`
 * (honor_labels false, the default). `job` itself comes from a scrape
 * configuration the documents do not give, so it is left out.
 */
export function fromText(text: string, instance: string): { ok: true; series: Labels[]; badLines: number } | { ok: false; error: string } {
  const parsed = parseExposition(text);
  if (parsed.samples.length === 0 && parsed.errors.length > 0) return { ok: false, error: `no sample could be read: line ${parsed.errors[0]?.line}: ${parsed.errors[0]?.message}` };
  const series = parsed.samples.map((s) => {
    const { instance: i, job, ...rest } = s.labels;
    return { ...rest, ...(i === undefined ? {} : { exported_instance: i }), ...(job === undefined ? {} : { exported_job: job }), instance };
  });
  return { ok: true, series, badLines: parsed.errors.length };
}

const instanceOf = (url: string): string => new URL(url).host;
