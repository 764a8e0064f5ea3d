/** What an HAProxy configuration needs, whatever the provider: where to listen and which members to check. */
export interface HaproxyLayout {
  /** The address to bind ('127.0.0.1', or '*' inside a container). */
  bind: string;
  ports: { primary: number; replicas: number; any: number; stats: number };
  /** Each member's PostgreSQL address (host:port) and Patroni REST port on the same host. */
  servers: ReadonlyArray<{ name: string; pg: string; restPort: number }>;
  /** A listener answering this HAProxy's own name over HTTP: which of a VIP pair a client reached. */
  whoami?: { port: number; name: string };
}

/**
 * HAProxy as the documents configure it: checks every 2 s against Patroni's
 * REST endpoints, fall 3, rise 2, and sessions cut when a server goes down.
 */
export function haproxyConfig(l: HaproxyLayout): string {
  const servers = l.servers.map((m) => `  server ${m.name} ${m.pg} maxconn 100 check port ${m.restPort}`).join('\n');
  const listener = (name: string, port: number, check: string) => `
listen ${name}
  bind ${l.bind}:${port}
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
  bind ${l.bind}:${l.ports.stats}
  stats enable
  stats uri /
  stats refresh 5s
${listener('primary', l.ports.primary, '/primary')}${listener('replicas', l.ports.replicas, '/replica')}${listener('any', l.ports.any, '/health')}${l.whoami === undefined ? '' : `
listen whoami
  mode http
  bind ${l.bind}:${l.whoami.port}
  http-request return status 200 content-type text/plain string "${l.whoami.name}"
`}`;
}
