import type { Attributes, Toxic, ToxicKind } from './toxics/toxic.js';

export type Direction = 'upstream' | 'downstream';

export interface ToxicJSON {
  attributes: Attributes;
  name: string;
  type: string;
  /** As the client spelled it ("UpStream" stays so), as Toxiproxy answers it. */
  stream: string;
  toxicity: number;
}

/** A toxic as configured on a proxy (Toxiproxy's ToxicWrapper); links run it per connection. */
export class ToxicWrapper {
  toxic: Toxic;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly direction: Direction,
    public toxicity: number,
    public attributes: Attributes,
    readonly kind: ToxicKind,
    /** The direction as the client wrote it; Toxiproxy parses it case-insensitively but keeps the text. */
    readonly stream: string = direction,
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
