/**
 * Link cuts in a run whose links go through a proxy. Rules between the
 * member's and its peers' containers would miss that traffic (it flows
 * member -> proxy -> peer), and probes between those containers would still
 * prove the cut: so the cut is made where the links are. In the proxy
 * container: iptables drops what arrives on each link's listen port and
 * what leaves from it (real dropped packets, both ways, as on a cut cable).
 * With a Toxiproxy outside the run: its blackhole. Either way, a probe
 * through each link (harness -> link) before, with and after the cut is
 * what proves it.
 */
import { HarnessError } from '../../errors.js';
import { now } from '../../history/clock.js';
import type { ProxiedLinks } from '../proxied-links.js';
import type { Cut, CutPath, LinkKind, LinkProbe, Reach } from '../types.js';
import type { DockerResult } from './engine.js';
import type { DockerLink } from './links.js';
import { ruleGone, rulePaused } from './partition.js';

/** How long a probe through a cut link waits for an answer that must not come. */
const CUT_PROBE_MS = 1000;

export interface PortCutTarget {
  iptables(name: string, args: string[]): Promise<DockerResult>;
  probeLink(link: string, o: { timeoutMs: number }): Promise<LinkProbe>;
}

const reach = (p: LinkProbe): Reach => {
  const { sent: _sent, ...r } = p;
  return r;
};

/** Probes every link from the harness, as the Cut's paths name them. */
async function probeAll(t: Pick<PortCutTarget, 'probeLink'>, links: readonly string[]): Promise<Reach[]> {
  return (await Promise.all(links.map((l) => t.probeLink(l, { timeoutMs: CUT_PROBE_MS })))).map(reach);
}

const paths = (links: readonly string[]): CutPath[] => links.map((l) => ({ from: 'harness', to: l }));

/** The rules of one cut: drop inbound to, and outbound from, each link's listen port. */
export function portRules(links: readonly DockerLink[], tag: string): string[][] {
  return links.flatMap((l) => {
    if (l.innerPort === undefined) throw new HarnessError('INTERNAL', `link ${l.name} has no port in the proxy container`);
    const p = String(l.innerPort);
    return [
      ['INPUT', '-p', 'tcp', '--dport', p, '-m', 'comment', '--comment', tag, '-j', 'DROP'],
      ['OUTPUT', '-p', 'tcp', '--sport', p, '-m', 'comment', '--comment', tag, '-j', 'DROP'],
    ];
  });
}

/** Cuts links with iptables rules in the proxy container; the cure deletes exactly them. */
export async function cutLinkPorts(t: PortCutTarget, proxy: string, links: readonly DockerLink[], tag: string): Promise<Cut> {
  const names = links.map((l) => l.name);
  const rules = portRules(links, tag);
  const before = await probeAll(t, names);
  const applied: string[][] = [];
  const remove = async () => {
    const errors: string[] = [];
    for (const r of [...applied]) {
      const res = await t.iptables(proxy, ['-D', ...r]);
      if (res.code !== 0 && rulePaused(res)) errors.push(`${proxy} is paused: its rule on port ${r[4]} stays in force until it is thawed and healed again`);
      else if (res.code !== 0 && !ruleGone(res)) errors.push(`${proxy}: ${res.stderr.trim()}`);
      else applied.splice(applied.indexOf(r), 1);
    }
    if (errors.length > 0) throw new HarnessError('FAULT_FAILED', `healing cut ${tag} failed: ${errors.join('; ')}`);
  };
  const from = now();
  for (const r of rules) {
    const res = await t.iptables(proxy, ['-I', ...r]);
    if (res.code !== 0) {
      await remove().catch(() => undefined); // the iptables error is the one to report
      throw new HarnessError('FAULT_FAILED', `iptables in ${proxy} failed (exit ${res.code}): ${res.stderr.trim()}`);
    }
    applied.push(r);
  }
  const span = { from, to: now() };
  const during = await probeAll(t, names);
  return {
    detail: `iptables DROP in ${proxy} on the listen ports of ${names.join(', ')}`,
    span,
    probes: paths(names).map((p, i) => ({ ...p, before: before[i] as Reach, during: during[i] as Reach })),
    cure: async () => {
      await remove();
      const after = await probeAll(t, names);
      return paths(names).map((p, i) => ({ ...p, after: after[i] as Reach }));
    },
  };
}

/** Cuts a member's links of these kinds with the proxy's blackhole (a Toxiproxy outside the run, where no rule can go). */
export async function blackholeLinks(proxies: ProxiedLinks, member: string, kinds: readonly LinkKind[], label: string): Promise<Cut> {
  const names = proxies.links(member, kinds);
  const before = await probeAll(proxies, names);
  const from = now();
  const cure = await proxies.impairLinks(member, kinds, { kind: 'blackhole' }, label);
  const span = { from, to: now() };
  const during = await probeAll(proxies, names);
  return {
    detail: `blackhole in the Toxiproxy on ${names.join(', ')}`,
    span,
    probes: paths(names).map((p, i) => ({ ...p, before: before[i] as Reach, during: during[i] as Reach })),
    cure: async () => {
      await cure();
      const after = await probeAll(proxies, names);
      return paths(names).map((p, i) => ({ ...p, after: after[i] as Reach }));
    },
  };
}
