import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyCollection } from './collection.js';
import { ErrBadRequestBody, toApiError } from './errors.js';
import { asObject, boolField, parseJson, stringField } from './json.js';
import type { Proxy } from './proxy.js';
import { newRequestId } from './request-id.js';

/** A route's answer: JSON `body`, or preformatted `text`, or nothing (204). */
interface Reply {
  status: number;
  body?: unknown;
  text?: string;
}

type Handler = (params: string[], body: () => Promise<unknown>) => Promise<Reply>;
type Routes = Record<string, Partial<Record<string, Handler>>>;

const MAX_BODY = 1024 * 1024;
const TEXT = 'text/plain; charset=utf-8';
const ok = (body: unknown): Reply => ({ status: 200, body });
const noContent: Reply = { status: 204 };

/** Toxiproxy's HTTP API (same paths, verbs, JSON and status codes) as a node:http request listener. */
export function createApiHandler(proxies: ProxyCollection, version: string) {
  const proxy = (name: string | undefined): Proxy => proxies.get(name ?? '');
  const updateProxy: Handler = async ([name], body) => ok(await update(proxy(name), await body()));
  const updateToxic: Handler = async ([name, toxic], body) =>
    ok(await proxy(name).toxics.update(toxic ?? '', await body()));
  const routes: Routes = {
    reset: {
      POST: async () => {
        await proxies.reset();
        return noContent;
      },
    },
    // Hand-formatted like Toxiproxy's, trailing newline included.
    version: { GET: async () => ({ status: 200, text: `{"version": "${version}"}\n` }) },
    proxies: {
      GET: async () => ok(Object.fromEntries(proxies.list().map((p) => [p.name, p]))),
      POST: async (_, body) => ({ status: 201, body: await proxies.create(await body()) }),
    },
    populate: {
      // The proxies applied, before the error if one stopped it; null when there are none
      // (an empty Go slice encodes as null), even for an empty list.
      POST: async (_, body) => {
        try {
          const { proxies: list, error } = await proxies.populate(await body());
          return { status: error?.status ?? 201, body: { ...error?.toJSON(), proxies: list.length > 0 ? list : null } };
        } catch (err) {
          const error = toApiError(err);
          return { status: error.status, body: { ...error.toJSON(), proxies: null } };
        }
      },
    },
    'proxies/*': {
      GET: async ([name]) => ok(proxy(name)),
      // PATCH is the preferred verb since Toxiproxy 2.6; POST stays for older clients.
      POST: updateProxy,
      PATCH: updateProxy,
      DELETE: async ([name]) => {
        await proxies.remove(name ?? '');
        return noContent;
      },
    },
    'proxies/*/toxics': {
      GET: async ([name]) => ok(proxy(name).toxics.list()),
      POST: async ([name], body) => ok(await proxy(name).toxics.add(await body())),
    },
    'proxies/*/toxics/*': {
      GET: async ([name, toxic]) => ok(proxy(name).toxics.get(toxic ?? '')),
      POST: updateToxic,
      PATCH: updateToxic,
      DELETE: async ([name, toxic]) => {
        await proxy(name).toxics.remove(toxic ?? '');
        return noContent;
      },
    },
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(routes, req, res);
  };
}

async function update(proxy: Proxy, body: unknown): Promise<Proxy> {
  const input = asObject(body, 'proxy');
  await proxy.update({
    listen: stringField(input, 'listen', proxy.listen),
    upstream: stringField(input, 'upstream', proxy.upstream),
    enabled: boolField(input, 'enabled', proxy.enabled),
  });
  return proxy;
}

async function handle(routes: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pattern, params } = match(new URL(req.url ?? '/', 'http://localhost').pathname);
  const route = Object.hasOwn(routes, pattern) ? routes[pattern] : undefined;
  if (route === undefined) return send(res, 404, '404 page not found\n', TEXT);
  const method = req.method ?? '';
  const handler = Object.hasOwn(route, method) ? route[method] : undefined;
  if (handler === undefined) return send(res, 405, '', TEXT);
  // Toxiproxy's middlewares (request id, then the browser check) wrap matched routes only:
  // gorilla/mux answers 404 and 405 without them.
  res.setHeader('X-Toxiproxy-Request-Id', newRequestId());
  // Toxiproxy refuses browsers so that a web page cannot drive it with cross-site requests.
  if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
    return send(res, 403, 'User agent not allowed\n', TEXT);
  }
  try {
    const reply = await handler(params, () => readJson(req));
    if (reply.text !== undefined) send(res, reply.status, reply.text, 'application/json;charset=utf-8');
    else if (reply.body === undefined) send(res, reply.status, '', undefined);
    else send(res, reply.status, JSON.stringify(reply.body), 'application/json');
  } catch (err) {
    // Toxiproxy answers errors through Go's http.Error: a JSON line, but labelled as text.
    const error = toApiError(err);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    send(res, error.status, `${JSON.stringify(error)}\n`, TEXT);
  }
}

/** "/proxies/a/toxics/b" → pattern "proxies/*\/toxics/*", params ["a", "b"]: names sit at odd positions. */
function match(pathname: string): { pattern: string; params: string[] } {
  const parts = pathname.split('/').slice(1);
  const params: string[] = [];
  try {
    const shape = parts.map((part, i) => {
      if (part === '') throw new URIError('empty segment');
      if (i % 2 === 0) return part;
      params.push(decodeURIComponent(part));
      return '*';
    });
    return { pattern: shape.join('/'), params };
  } catch {
    return { pattern: '', params: [] };
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw ErrBadRequestBody.with('http: request body too large');
    chunks.push(chunk);
  }
  return parseJson(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, body: string, type: string | undefined): void {
  if (type !== undefined) res.setHeader('Content-Type', type);
  res.writeHead(status).end(body);
}
