/**
 * PromQL string literals (Go's syntax): "..." and '...' with backslash
 * escapes, `...` raw. Label values in selectors are written this way.
 */
const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

export function unquote(literal: string): string {
  const q = literal[0];
  if (literal.length < 2 || literal.at(-1) !== q || (q !== '"' && q !== "'" && q !== '`')) throw new Error(`not a string literal: ${literal}`);
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  return body.replace(/\\(?:([abfnrtv\\"'])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3}))/g, (_all, simple?: string, x?: string, u?: string, bigU?: string, octal?: string) => {
    if (simple !== undefined) return SIMPLE[simple] as string;
    const hex = x ?? u ?? bigU;
    return String.fromCodePoint(hex !== undefined ? parseInt(hex, 16) : parseInt(octal as string, 8));
  });
}
