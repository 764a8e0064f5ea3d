/**
 * Zod glue: messages that say what was expected in the user's terms
 * (a "mapping", a "list"), and unknown keys reported one by one with the
 * keys that would have been accepted.
 */
import * as z from 'zod';
import { formatPath } from './errors.js';
import { closest } from './suggest.js';

/** A problem at a path of the raw document, before it is given a line. */
export interface PathIssue {
  path: (string | number)[];
  message: string;
}

const NOUNS: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false',
  object: 'a mapping', record: 'a mapping', array: 'a list',
};

/** Per-parse error map: schema-level messages win over it, zod's English defaults lose to it. */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
  const message = describe(iss);
  return message === undefined || iss.input !== undefined ? message : `missing; ${message}`;
};

function describe(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${NOUNS[iss.expected] ?? iss.expected}`;
    case 'too_small':
      if (iss.origin === 'array') return `expected at least ${iss.minimum} ${iss.minimum === 1 ? 'entry' : 'entries'}`;
      if (iss.origin === 'string') return 'expected a non-empty string';
      return `expected a number ${iss.inclusive === true ? '>=' : '>'} ${iss.minimum}`;
    case 'too_big':
      return `expected a number ${iss.inclusive === true ? '<=' : '<'} ${iss.maximum}`;
    case 'invalid_value':
      return `expected one of ${iss.values.map(String).join(', ')}`;
    default:
      return undefined;
  }
}

/** A strict object whose unknown keys are reported with the list of known ones. */
export function strict<Shape extends z.core.$ZodLooseShape>(shape: Shape, notAMapping?: string) {
  const known = `expected one of ${Object.keys(shape).join(', ')}`;
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? known : iss.code === 'invalid_type' ? notAMapping : undefined),
  });
}

/** Zod's issues in our shape; `root` names the top level in unknown-key messages ("scenario", "suite"). */
export function fromZod(issues: readonly z.core.$ZodIssue[], root: string): PathIssue[] {
  return issues.flatMap((iss) => {
    const path = iss.path.map((seg) => (typeof seg === 'number' ? seg : String(seg)));
    if (iss.code !== 'unrecognized_keys') return [{ path, message: iss.message }];
    return iss.keys.map((key) => ({ path: [...path, key], message: unknownKey(key, formatPath(path) || root, iss.message) }));
  });
}

export function unknownKey(key: string, where: string, expected: string): string {
  const near = closest(key, /^expected one of ([^(;]*)/.exec(expected)?.[1]?.trim().split(', ') ?? []);
  return `unknown key '${key}' in ${where}; ${expected}${near === undefined ? '' : ` (did you mean '${near}'?)`}`;
}
