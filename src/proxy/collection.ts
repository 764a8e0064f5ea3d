import { ApiError, ErrMissingField, ErrProxyAlreadyExists, ErrProxyNotFound, toApiError } from './errors.js';
import { asObject, boolField, stringField } from './json.js';
import { Proxy } from './proxy.js';
import { Serial } from './serial.js';
import type { ToxicRegistry } from './toxics/registry.js';

export interface ProxyInput {
  name: string;
  listen?: string;
  upstream: string;
  enabled?: boolean;
}

/** What /populate answers: the proxies it got through, and the error that stopped it, if any. */
export interface PopulateResult {
  proxies: Proxy[];
  error?: ApiError;
}

/** The server's proxies by name (Toxiproxy's ProxyCollection). */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();
  private readonly serial = new Serial();

  constructor(readonly registry: ToxicRegistry) {}

  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw ErrProxyNotFound;
    return proxy;
  }

  /** Creates a proxy, started unless `enabled` is false; 409 if the name is taken. */
  async create(body: unknown): Promise<Proxy> {
    const input = decodeProxy(body, '');
    return this.serial.run(async () => {
      if (this.proxies.has(input.name)) throw ErrProxyAlreadyExists;
      const proxy = new Proxy(input.name, input.listen, input.upstream, this.registry);
      if (input.enabled) await proxy.start();
      this.proxies.set(proxy.name, proxy);
      return proxy;
    });
  }

  /**
   * Creates or replaces each proxy in the list. One whose listen (once
   * resolved) and upstream are unchanged is kept as it is, with its
   * connections and toxics.
   */
  async populate(body: unknown): Promise<PopulateResult> {
    if (!Array.isArray(body)) throw new ApiError(`bad request body: json: cannot unmarshal into proxy list`, 400);
    const inputs = body.map((item, i) => decodeProxy(item, ` at proxy ${i + 1}`));
    return this.serial.run(async () => {
      const proxies: Proxy[] = [];
      for (const input of inputs) {
        try {
          proxies.push(await this.replace(input));
        } catch (err) {
          return { proxies, error: toApiError(err) };
        }
      }
      return { proxies };
    });
  }

  remove(name: string): Promise<void> {
    return this.serial.run(async () => {
      await this.get(name).stop();
      this.proxies.delete(name);
    });
  }

  /** Toxiproxy's /reset: every proxy enabled again and stripped of its toxics. */
  reset(): Promise<void> {
    return this.serial.run(async () => {
      await Promise.all(this.list().map(async (p) => {
        await p.start();
        await p.toxics.reset();
      }));
    });
  }

  /** Stops and forgets every proxy. */
  clear(): Promise<void> {
    return this.serial.run(async () => {
      await Promise.all(this.list().map((p) => p.stop()));
      this.proxies.clear();
    });
  }

  private async replace(input: Required<ProxyInput>): Promise<Proxy> {
    const existing = this.proxies.get(input.name);
    if (existing !== undefined) {
      if (!(await existing.differs(input.listen, input.upstream))) return existing;
      await existing.stop();
    }
    const proxy = new Proxy(input.name, input.listen, input.upstream, this.registry);
    if (input.enabled) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }
}

function decodeProxy(body: unknown, where: string): Required<ProxyInput> {
  const input = asObject(body, 'proxy');
  const name = stringField(input, 'name', '');
  const listen = stringField(input, 'listen', '');
  const upstream = stringField(input, 'upstream', '');
  const enabled = boolField(input, 'enabled', true);
  if (name === '') throw ErrMissingField.with(`name${where}`);
  if (upstream === '') throw ErrMissingField.with(`upstream${where}`);
  return { name, listen, upstream, enabled };
}
