import { describe, expect, it } from 'vitest';
import { buildTopology } from './topology.js';
import { renderHaproxyConfig } from './haproxy-config.js';

const cfg = renderHaproxyConfig(buildTopology({ runId: 'r1', runRoot: '/tmp/pc', portBase: 7000 }, {}));
const section = (name: string) => cfg.split(/\n(?=listen )/).find((s) => s.startsWith(`listen ${name}\n`)) ?? '';

describe('renderHaproxyConfig', () => {
  it.each([
    ['primary', 7000, '/primary'],
    ['replicas', 7001, '/replica'],
    ['any', 7002, '/health'],
  ])('routes %s on %i by Patroni %s', (name, port, check) => {
    const s = section(name);
    expect(s).toContain(`bind 127.0.0.1:${port}`);
    expect(s).toContain(`option httpchk GET ${check}`);
    expect(s).toContain('default-server inter 2s fall 3 rise 2 on-marked-down shutdown-sessions');
    for (const [i, pg] of [7010, 7011, 7012].entries()) expect(s).toContain(`server patroni${i + 1} 127.0.0.1:${pg} maxconn 100 check port ${7020 + i}`);
  });

  it('serves stats on its own port', () => {
    expect(section('stats')).toContain('bind 127.0.0.1:7003');
  });
});

describe('renderHaproxyConfig with proxied links', () => {
  it('sends client sessions and health checks through each member client proxies', () => {
    const t = buildTopology({ runId: 'r1', runRoot: '/tmp/pc', portBase: 7000, proxied: true }, {});
    const proxied = renderHaproxyConfig(t);
    for (let i = 0; i < 3; i++) expect(proxied).toContain(`server patroni${i + 1} 127.0.0.1:${7080 + i} maxconn 100 check port ${7085 + i}`);
  });
});
