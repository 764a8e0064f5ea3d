import { HOST, linkPort, type Topology } from '../topology.js';

/**
 * HAProxy as the documents configure it: checks every 2 s against Patroni's
 * REST endpoints, fall 3, rise 2, and sessions cut when a server goes down.
 */
export function renderHaproxyConfig(t: Topology): string {
  const h = t.haproxy;
  const servers = t.members
    .map((m) => `  server ${m.name} ${HOST}:${linkPort(t, m.name, 'pg-client', m.pgPort)} maxconn 100 check port ${linkPort(t, m.name, 'rest-client', m.restPort)}`)
    .join('\n');
  const listener = (name: string, port: number, check: string) => `
listen ${name}
  bind ${HOST}:${port}
  option httpchk GET ${check}
  http-check expect status 200
  default-server inter 2s fall 3 rise 2 on-marked-down shutdown-sessions
${servers}
`;
  return `global
  maxconn 1000
  log stderr format raw local0 info

defaults
  mode tcp
  log global
  option tcplog
  retries 2
  timeout connect 4s
  timeout client 30m
  timeout server 30m
  timeout check 2s

listen stats
  mode http
  bind ${HOST}:${h.statsPort}
  stats enable
  stats uri /
  stats refresh 5s
${listener('primary', h.primaryPort, '/primary')}${listener('replicas', h.replicaPort, '/replica')}${listener('any', h.anyPort, '/health')}`;
}
