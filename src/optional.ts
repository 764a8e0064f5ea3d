/** Drops undefined fields: no `"node": undefined` noise in report.json, no `post_bootstrap: null` in a rendered config. */
export function optional<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
