const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
export type DurationUnit = keyof typeof UNIT_MS;

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)$/;

export const DURATION_HINT = 'expected a duration like 5s or 250ms';

/**
 * Milliseconds for "250ms", "5s", "1.5m", "2h" (or 0), else an error message.
 * A bare number is refused because "timeout: 30" reads as seconds to some
 * and as milliseconds to others; only 0 means the same under both readings.
 */
export function parseDuration(input: unknown): number | { error: string } {
  if (input === 0 || input === '0') return 0;
  if (typeof input !== 'string') return { error: DURATION_HINT };
  const match = DURATION.exec(input.trim());
  if (match === null) return { error: DURATION_HINT };
  const [, amount = '', unit = ''] = match;
  return isDurationUnit(unit) ? toMs(Number(amount), unit) : { error: DURATION_HINT };
}

/** Rounded to a microsecond so that "1.1s" is 1100, not 1100.0000000000002. */
export function toMs(amount: number, unit: DurationUnit): number {
  return Math.round(amount * UNIT_MS[unit] * 1000) / 1000;
}

export function isDurationUnit(text: string): text is DurationUnit {
  return Object.hasOwn(UNIT_MS, text);
}
