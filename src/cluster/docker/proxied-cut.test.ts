import { describe, expect, it } from 'vitest';
import type { LinkProbe } from '../types.js';
import type { DockerResult } from './engine.js';
import type { DockerLink } from './links.js';
import { cutLinkPorts, portRules } from './proxied-cut.js';

const link = (name: string, innerPort: number): DockerLink => ({
  name, member: 'patroni1', kind: 'client', speaks: 'postgres', listen: `0.0.0.0:${innerPort}`, upstream: '172.29.7.20:5432',
  via: { host: '172.29.7.40', port: innerPort }, innerPort, probe: { host: '127.0.0.1', port: innerPort + 1 },
});

/** iptables in memory, in the proxy container: probes through a link fall silent while a rule drops its port. */
function proxyBox(o: { dropsNothing?: boolean; pausedOnDelete?: boolean } = {}) {
  const rules: string[] = [];
  const ok = (): DockerResult => ({ code: 0, stdout: '', stderr: '' });
  return {
    rules,
    paused: o.pausedOnDelete === true,
    async iptables(name: string, args: string[]): Promise<DockerResult> {
      expect(name).toBe('toxiproxy');
      const [op, ...rule] = args;
      const key = rule.join(' ');
      if (op === '-I') rules.push(key);
      else if (this.paused) return { code: 1, stdout: '', stderr: 'Error response from daemon: Container abc is paused, unpause the container before exec', noExit: 'paused' };
      else if (rules.includes(key)) rules.splice(rules.indexOf(key), 1);
      else return { code: 1, stdout: '', stderr: 'iptables: Bad rule (does a matching rule exist in that chain?).' };
      return ok();
    },
    async probeLink(l: string): Promise<LinkProbe> {
      const port = l === 'a' ? '10000' : '10001';
      const cut = !o.dropsNothing && rules.some((r) => r.includes(`--dport ${port}`));
      return cut ? { kind: 'silent', ms: 1000, sent: 8 } : { kind: 'answered', ms: 2, sent: 8 };
    },
  };
}

describe('cuts in the proxy container', () => {
  it('drops what reaches each link\'s port and what leaves it, each rule tagged', () => {
    expect(portRules([link('a', 10000)], 'pc-r-1')).toEqual([
      ['INPUT', '-p', 'tcp', '--dport', '10000', '-m', 'comment', '--comment', 'pc-r-1', '-j', 'DROP'],
      ['OUTPUT', '-p', 'tcp', '--sport', '10000', '-m', 'comment', '--comment', 'pc-r-1', '-j', 'DROP'],
    ]);
    expect(() => portRules([{ ...link('x', 1), innerPort: undefined }], 't')).toThrow(/no port in the proxy container/);
  });

  it('probes each link before and with the rules in, and the cure removes exactly them and probes again', async () => {
    const box = proxyBox();
    box.rules.push('an unrelated rule');
    const cut = await cutLinkPorts(box, 'toxiproxy', [link('a', 10000), link('b', 10001)], 'pc-r-2');
    expect(cut.probes.map((p) => `${p.from}>${p.to} ${p.before.kind} ${p.during.kind}`)).toEqual(['harness>a answered silent', 'harness>b answered silent']);
    expect(box.rules).toHaveLength(5);
    expect(cut.span.to).toBeGreaterThanOrEqual(cut.span.from);
    expect((await cut.cure()).map((p) => p.after.kind)).toEqual(['answered', 'answered']);
    expect(box.rules).toEqual(['an unrelated rule']);
  });

  it('reports rules that drop nothing as probes that still answer (the fault\'s proof then fails)', async () => {
    const cut = await cutLinkPorts(proxyBox({ dropsNothing: true }), 'toxiproxy', [link('a', 10000)], 't');
    expect(cut.probes[0]?.during.kind).toBe('answered');
  });

  it('a cure while the proxy is paused fails with the rules still in force, and a later one removes them', async () => {
    const box = proxyBox({ pausedOnDelete: true });
    const cut = await cutLinkPorts(box, 'toxiproxy', [link('a', 10000)], 't');
    await expect(cut.cure()).rejects.toThrow(/toxiproxy is paused: its rule on port 10000 stays in force/);
    expect(box.rules).toHaveLength(2);
    box.paused = false;
    await cut.cure();
    expect(box.rules).toEqual([]);
  });
});
