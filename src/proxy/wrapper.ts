import type { Attributes, Toxic, ToxicKind } from './toxics/toxic.js';

export type Direction = 'upstream' | 'downstream';

export interface ToxicJSON {
  attributes: Attributes;
  name: string;
  type: string;
  stream: Direction;
  toxicity: number;
}

/** A toxic as configured on a proxy (Toxiproxy's ToxicWrapper); links run it per connection. */
export class ToxicWrapper {
  toxic: Toxic;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly stream: Direction,
    public toxicity: number,
    public attributes: Attributes,
    readonly kind: ToxicKind,
  ) {
    this.toxic = kind.create(attributes);
  }

  /** Swaps in new settings; links rerun the toxic on their existing stubs. */
  configure(toxicity: number, attributes: Attributes): void {
    this.toxicity = toxicity;
    this.attributes = attributes;
    this.toxic = this.kind.create(attributes);
  }

  toJSON(): ToxicJSON {
    const { attributes, name, type, stream, toxicity } = this;
    return { attributes, name, type, stream, toxicity };
  }
}
