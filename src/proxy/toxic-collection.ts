import {
  ErrInvalidStream,
  ErrInvalidToxicType,
  ErrToxicAlreadyExists,
  ErrToxicNotFound,
} from './errors.js';
import { asObject, field, numberField, stringField } from './json.js';
import type { Link } from './link.js';
import { decodeAttributes, type ToxicRegistry } from './toxics/registry.js';
import { ToxicWrapper, type Direction } from './wrapper.js';

const DIRECTIONS: readonly Direction[] = ['upstream', 'downstream'];

/**
 * A proxy's toxics, one ordered chain per direction, and the live links that
 * run them. Every change is applied to the links already open before the
 * call returns, as Toxiproxy's ToxicCollection does.
 */
export class ToxicCollection {
  private readonly chains: Record<Direction, ToxicWrapper[]> = { upstream: [], downstream: [] };
  private readonly links = new Set<Link>();

  constructor(private readonly registry: ToxicRegistry) {}

  /** Upstream toxics first, then downstream, each in the order added. */
  list(): ToxicWrapper[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  get(name: string): ToxicWrapper {
    const found = this.list().find((t) => t.name === name);
    if (found === undefined) throw ErrToxicNotFound;
    return found;
  }

  chain(direction: Direction): readonly ToxicWrapper[] {
    return [...this.chains[direction]];
  }

  attach(link: Link): void {
    this.links.add(link);
  }

  detach(link: Link): void {
    this.links.delete(link);
  }

  /** Creates a toxic from its JSON form; checks run in Toxiproxy's order so the same input fails the same way. */
  async add(body: unknown): Promise<ToxicWrapper> {
    const input = asObject(body, 'toxic');
    const streamText = stringField(input, 'stream', 'downstream');
    const toxicity = numberField(input, 'toxicity', 1);
    const type = stringField(input, 'type', '');
    let name = stringField(input, 'name', '');
    const direction = DIRECTIONS.find((d) => d === streamText.toLowerCase());
    if (direction === undefined) throw ErrInvalidStream;
    // The default name takes the stream as written ("latency_UpStream"), as Toxiproxy's does.
    if (name === '') name = `${type}_${streamText}`;
    const kind = this.registry.get(type);
    if (kind === undefined) throw ErrInvalidToxicType;
    if (this.list().some((t) => t.name === name)) throw ErrToxicAlreadyExists;
    const attributes = decodeAttributes(kind, kind.defaults, field(input, 'attributes'));
    const wrapper = new ToxicWrapper(name, type, direction, toxicity, attributes, kind, streamText);
    this.chains[direction].push(wrapper);
    await this.eachLink(direction, (link) => link.addToxic(wrapper));
    return wrapper;
  }

  /** Changes attributes and/or toxicity; omitted ones keep their values. */
  async update(name: string, body: unknown): Promise<ToxicWrapper> {
    const wrapper = this.get(name);
    const input = asObject(body, 'toxic');
    const attributes = decodeAttributes(wrapper.kind, wrapper.attributes, field(input, 'attributes'));
    wrapper.configure(numberField(input, 'toxicity', wrapper.toxicity), attributes);
    await this.eachLink(wrapper.direction, (link) => link.updateToxic(wrapper));
    return wrapper;
  }

  async remove(name: string): Promise<void> {
    const wrapper = this.get(name);
    const chain = this.chains[wrapper.direction];
    chain.splice(chain.indexOf(wrapper), 1);
    await this.eachLink(wrapper.direction, (link) => link.removeToxic(wrapper));
  }

  async reset(): Promise<void> {
    await Promise.all(this.list().map((t) => this.remove(t.name)));
  }

  private async eachLink(direction: Direction, change: (link: Link) => Promise<void>): Promise<void> {
    const links = [...this.links].filter((l) => l.direction === direction);
    await Promise.all(links.map(change));
  }
}
