/** Field schemas shared by scenario and suite files. */
import * as z from 'zod';
import { parseDuration } from '../duration.js';

/** Milliseconds from "5s" / "250ms"; `minMs` with the text to show when the value is below it. */
export function duration(minMs = 0, minText = '0') {
  return z.unknown().transform((raw, ctx): number => {
    const ms = parseDuration(raw);
    if (typeof ms !== 'number') ctx.issues.push({ code: 'custom', input: raw, message: ms.error });
    else if (ms < minMs) ctx.issues.push({ code: 'custom', input: raw, message: `expected a duration >= ${minText}` });
    return typeof ms === 'number' ? ms : z.NEVER;
  });
}

/** Names end up in report folder names and JUnit ids, hence the narrow alphabet. */
export const nameSchema = z
  .string({ error: (iss) => `${iss.input === undefined ? 'missing; ' : ''}expected a name like kill-primary` })
  .regex(/^[a-z0-9-]+$/, { error: 'expected a name of lowercase letters, digits and - (like kill-primary)' });

export function positiveInt(max?: number) {
  const int = z.int({ error: 'expected an integer' }).min(1, { error: 'expected an integer >= 1' });
  return max === undefined ? int : int.max(max, { error: `expected an integer <= ${max}` });
}
