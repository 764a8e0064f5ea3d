/**
 * The cluster file of the external provider: what exists (HAProxy, each
 * member's PostgreSQL and Patroni REST, etcd) and how faults may reach it
 * (a Docker daemon and container names, or nothing). Validated like a
 * scenario: file:line, the field, what was expected. Passwords are never in
 * the file: it names the environment variable or the file that holds each.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ScenarioError, type ScenarioIssue } from '../../scenario/errors.js';
import { locator } from '../../scenario/locate.js';
import { readSource, toData } from '../../scenario/yaml-source.js';
import { errorMap, fromZod, strict, type PathIssue } from '../../scenario/zod-issues.js';
import type { DockerAccess } from '../docker/container.js';
import type { Endpoint } from '../types.js';

const hostPort = z.string().transform((s, ctx): Endpoint => {
  const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(s);
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port > 0 && port < 65536)) {
    ctx.issues.push({ code: 'custom', input: s, message: 'expected host:port, like 10.0.0.5:5000' });
    return z.NEVER;
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
});

const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+(\/.*)?$/, 'expected an http(s) URL, like http://10.0.0.1:8008').transform((u) => u.replace(/\/+$/, ''));

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . -');

const dockerAccess = strict({
  host: z.string().regex(/^(unix|tcp|ssh|npipe):\/\/\S+$/, 'expected a Docker host like unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host').optional(),
  tls: strict({ ca: z.string().min(1), cert: z.string().min(1), key: z.string().min(1) }).optional(),
});

/** A login: the password from an environment variable or a file, never written here. */
const login = strict({
  username: z.string().min(1),
  password_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').optional(),
  password_file: z.string().min(1).optional(),
}).refine((l) => (l.password_env === undefined) !== (l.password_file === undefined), { error: 'expected exactly one of password_env, password_file (the password itself never goes in this file)' });

const member = strict({
  name,
  postgres: hostPort,
  rest: httpUrl,
  container: name.optional(),
  docker: dockerAccess.optional(),
});

const etcdMember = strict({
  name,
  url: httpUrl,
  container: name.optional(),
  docker: dockerAccess.optional(),
});

const fileSchema = strict({
  scope: name,
  namespace: z.string().regex(/^\/(.*\/)?$/, 'expected a namespace that starts and ends with /, like /service/').default('/service/'),
  allow_faults: z.boolean().default(false),
  haproxy: strict({
    primary: hostPort,
    replicas: hostPort,
    any: hostPort.optional(),
    stats: httpUrl.optional(),
    container: name.optional(),
    docker: dockerAccess.optional(),
  }),
  credentials: strict({ superuser: login, rest: login.optional() }),
  docker: dockerAccess.optional(),
  iptables: z.boolean().default(false),
  members: z.array(member).min(2),
  etcd: z.array(etcdMember).min(1),
});

type Raw = z.output<typeof fileSchema>;
type RawLogin = z.output<typeof login>;

export interface ExternalMember {
  name: string;
  postgres: Endpoint;
  restUrl: string;
  container?: string;
  docker: DockerAccess;
}

export interface ExternalEtcd {
  name: string;
  clientUrl: string;
  container?: string;
  docker: DockerAccess;
}

export interface ClusterFile {
  file: string;
  scope: string;
  namespace: string;
  allowFaults: boolean;
  /** The containers have NET_ADMIN and iptables: links may be cut. */
  iptables: boolean;
  haproxy: { primary: Endpoint; replicas: Endpoint; any: Endpoint; statsUrl: string | null; container?: string; docker: DockerAccess };
  superuser: { username: string; password: string };
  rest: { username: string; password: string } | null;
  members: ExternalMember[];
  etcd: ExternalEtcd[];
}

function duplicates(names: readonly string[], at: (i: number) => (string | number)[]): PathIssue[] {
  return names.flatMap((n, i) => (names.indexOf(n) < i ? [{ path: at(i), message: `"${n}" is named twice` }] : []));
}

function password(l: RawLogin, at: (string | number)[], env: NodeJS.ProcessEnv): { value: string } | PathIssue {
  if (l.password_env !== undefined) {
    const v = env[l.password_env];
    return v === undefined || v === '' ? { path: [...at, 'password_env'], message: `environment variable ${l.password_env} is not set` } : { value: v };
  }
  try {
    return { value: readFileSync(l.password_file as string, 'utf8').replace(/\r?\n$/, '') };
  } catch (err) {
    return { path: [...at, 'password_file'], message: `cannot read ${l.password_file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
}

/** Reads and checks a cluster file, resolving its passwords; every problem at once, located. */
export function loadClusterFile(path: string, env: NodeJS.ProcessEnv = process.env): ClusterFile {
  const read = readSource(path, path);
  if ('issues' in read) throw new ScenarioError(read.issues);
  const data = toData(read.source);
  if ('issue' in data) throw new ScenarioError([data.issue]);
  const locate = locator(read.source, []);
  const parsed = fileSchema.safeParse(data.data, { error: errorMap });
  if (!parsed.success) throw new ScenarioError(fromZod(parsed.error.issues, 'cluster file').map(locate));
  const r: Raw = parsed.data;
  const issues: PathIssue[] = [
    ...duplicates(r.members.map((m) => m.name), (i) => ['members', i, 'name']),
    ...duplicates(r.etcd.map((e) => e.name), (i) => ['etcd', i, 'name']),
  ];
  const su = password(r.credentials.superuser, ['credentials', 'superuser'], env);
  const rest = r.credentials.rest === undefined ? undefined : password(r.credentials.rest, ['credentials', 'rest'], env);
  for (const p of [su, rest]) if (p !== undefined && 'path' in p) issues.push(p);
  if (issues.length > 0) throw new ScenarioError(issues.map(locate));
  const access = (own: DockerAccess | undefined): DockerAccess => ({ ...(r.docker ?? {}), ...(own ?? {}) });
  return {
    file: path,
    scope: r.scope,
    namespace: r.namespace,
    allowFaults: r.allow_faults,
    iptables: r.iptables,
    haproxy: {
      primary: r.haproxy.primary, replicas: r.haproxy.replicas, any: r.haproxy.any ?? r.haproxy.replicas, statsUrl: r.haproxy.stats ?? null,
      ...(r.haproxy.container === undefined ? {} : { container: r.haproxy.container }), docker: access(r.haproxy.docker),
    },
    superuser: { username: r.credentials.superuser.username, password: (su as { value: string }).value },
    rest: r.credentials.rest === undefined ? null : { username: r.credentials.rest.username, password: (rest as { value: string }).value },
    members: r.members.map((m) => ({ name: m.name, postgres: m.postgres, restUrl: m.rest, ...(m.container === undefined ? {} : { container: m.container }), docker: access(m.docker) })),
    etcd: r.etcd.map((e) => ({ name: e.name, clientUrl: e.url, ...(e.container === undefined ? {} : { container: e.container }), docker: access(e.docker) })),
  };
}

/** An issue about the command line against this file (no line): exit 2 before anything is touched. */
export function clusterFileIssue(f: ClusterFile, path: string, message: string): ScenarioIssue {
  return { file: f.file, line: 0, column: 0, path, message };
}
