import { asObject, intField } from '../json.js';
import type { Attributes, ToxicKind } from './toxic.js';

/** Toxic types by name, as Toxiproxy's toxics.Register: add your own with `register`. */
export class ToxicRegistry {
  private readonly kinds = new Map<string, ToxicKind>();

  register<A extends Attributes>(type: string, kind: ToxicKind<A>): this {
    // Method parameters are bivariant, so a kind of narrower attributes is a ToxicKind.
    this.kinds.set(type, kind as unknown as ToxicKind);
    return this;
  }

  get(type: string): ToxicKind | undefined {
    return this.kinds.get(type);
  }

  get types(): string[] {
    return [...this.kinds.keys()];
  }
}

/**
 * Decodes `raw` over `current` as Go decodes JSON into a prefilled struct:
 * known names replace values, unknown names are ignored, null keeps the value.
 */
export function decodeAttributes(kind: ToxicKind, current: Attributes, raw: unknown): Attributes {
  const result: Attributes = {};
  const source = raw === undefined || raw === null ? {} : asObject(raw, 'field attributes');
  for (const name of Object.keys(kind.defaults)) {
    result[name] = intField(source, name, current[name] ?? 0);
  }
  return result;
}
