/**
 * `--version` and `--version --components`: the harness's version, and the
 * versions of what it tests, as `patronictl version` reports them (each
 * member's Patroni and PostgreSQL), plus etcd and HAProxy. Reads only.
 */
import { readFileSync } from 'node:fs';
import { getPatroni, pgVersion } from '../cluster/patroni-api.js';

import { PROVIDERS } from '../cluster/registry.js';
import type { Versions } from '../cluster/types.js';
import { HarnessError } from '../errors.js';
import { readReports, ReportFolderError } from '../report/read-reports.js';
import { ScenarioError } from '../scenario/errors.js';
import { runningClusters } from './running.js';

/** The version in package.json, two folders up from this module in src/ as in dist/. */
export function harnessVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** One set of component versions and where it was read. */
export interface ComponentsEntry {
  /** `cluster`: asked of a running cluster; `report`: recorded by a finished run; `installed`: this machine's binaries, what a local run would start. */
  source: 'cluster' | 'report' | 'installed';
  /** The run id, the report folder, or "this machine". */
  name: string;
  provider: string | null;
  /** Docker's release (bookworm, trixie, forky), when recorded. */
  release?: string;
  /** The report.json shape: one version per component (the first member's where members differ). */
  versions: Versions;
  /** Per member, as patronictl version shows them; running clusters only. */
  members?: Array<{ name: string; patroni: string | null; postgres: string | null }>;
  scenario?: string;
  iteration?: number;
}

export interface VersionJson {
  patroni_chaos: string;
  components?: ComponentsEntry[];
  /** Why there is nothing to list, e.g. no cluster running and none installed. */
  note?: string;
}

/** Every running cluster's components, asked of the cluster itself (Patroni REST, etcd, HAProxy's binary). */
async function fromClusters(): Promise<ComponentsEntry[]> {
  return Promise.all((await runningClusters()).map(async (c): Promise<ComponentsEntry> => {
    const members = await Promise.all(c.rest.map(async (m) => {
      const s = await getPatroni(m.url, 2000).catch(() => undefined);
      return { name: m.name, patroni: s?.patroni?.version ?? null, postgres: pgVersion(s?.server_version) };
    }));
    const first = members.find((m) => m.patroni !== null);
    const [etcd, haproxy] = await Promise.all([c.etcdVersion(), c.haproxyVersion()]);
    return { source: 'cluster', name: c.runId, provider: c.provider, versions: { patroni: first?.patroni ?? null, postgres: first?.postgres ?? null, etcd, haproxy }, members };
  }));
}

/** What the runs of a report folder (a run's, or a suite's) recorded; a folder that is not one is invalid input. */
function fromReport(dir: string): ComponentsEntry[] {
  try {
    return readReports(dir).map((r) => {
      const release = r.cluster['release'];
      return { source: 'report', name: dir, provider: r.provider, ...(typeof release === 'string' ? { release } : {}), versions: r.versions, scenario: r.scenario.name, iteration: r.iteration };
    });
  } catch (err) {
    if (err instanceof ReportFolderError) throw new ScenarioError([{ file: '', line: 0, column: 0, path: '--report', message: err.message }]);
    throw err;
  }
}

/**
 * `--version [--components [--report DIR]]`. With `--components`: the
 * versions recorded in a report folder when one is given; otherwise those
 * of every running cluster; with none running, this machine's binaries
 * (what the local provider would run), labelled as such.
 */
export async function versionJson(o: { components?: boolean; report?: string }): Promise<VersionJson> {
  const base = { patroni_chaos: harnessVersion() };
  if (!o.components) return base;
  if (o.report !== undefined) return { ...base, components: fromReport(o.report) };
  const clusters = await fromClusters();
  if (clusters.length > 0) return { ...base, components: clusters };
  const installing = [...PROVIDERS.values()].find((p) => p.installed !== undefined);
  if (installing?.installed === undefined) return { ...base, components: [], note: 'no cluster is running, and no provider runs this machine\'s binaries' };
  try {
    return { ...base, components: [{ source: 'installed', name: 'this machine', provider: installing.name, versions: installing.installed() }], note: `no cluster is running: these are the binaries a ${installing.name} run would start` };
  } catch (err) {
    if (err instanceof HarnessError && err.code === 'MISSING_BINARY') return { ...base, components: [], note: `no cluster is running, and the local provider's components are not all installed (${err.message})` };
    throw err;
  }
}

const v = (x: string | null): string => x ?? '?';

/** The same for people: patronictl's "member: Patroni X PostgreSQL Y" lines under each cluster. */
export function versionText(j: VersionJson): string {
  const lines = [`patroni-chaos ${j.patroni_chaos}`];
  if (j.note !== undefined) lines.push(j.note);
  const seen = new Map<string, { e: ComponentsEntry; runs: string[] }>();
  for (const e of j.components ?? []) {
    const all = `etcd ${v(e.versions.etcd)}, HAProxy ${v(e.versions.haproxy)}`;
    if (e.source === 'cluster') {
      lines.push(`${e.provider} cluster ${e.name}:`, ...(e.members ?? []).map((m) => `  ${m.name}: Patroni ${v(m.patroni)} PostgreSQL ${v(m.postgres)}`), `  ${all}`);
    } else if (e.source === 'installed') {
      lines.push(`${e.name}: Patroni ${v(e.versions.patroni)} PostgreSQL ${v(e.versions.postgres)}, ${all}`);
    } else {
      // A suite's runs share their versions: one line per distinct set, naming the runs.
      const key = JSON.stringify([e.provider, e.release, e.versions]);
      const group = seen.get(key) ?? { e, runs: [] };
      group.runs.push(`${e.scenario ?? '?'} #${e.iteration ?? 1}`);
      seen.set(key, group);
    }
  }
  for (const { e, runs } of seen.values()) {
    lines.push(`${e.name} (${e.provider}${e.release ? ` ${e.release}` : ''}; ${runs.length === 1 ? runs[0] : `${runs.length} runs`}): Patroni ${v(e.versions.patroni)} PostgreSQL ${v(e.versions.postgres)}, etcd ${v(e.versions.etcd)}, HAProxy ${v(e.versions.haproxy)}`);
  }
  return lines.join('\n');
}
