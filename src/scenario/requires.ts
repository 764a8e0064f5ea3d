/**
 * `requires:`: the component versions a scenario is meaningful on, e.g.
 * `requires: { patroni: ">= 4.0" }` for Patroni's quorum commit mode. Checked
 * before any cluster starts against what the provider will run (docker: the
 * release table; local: the installed binaries), and again against the
 * versions a started or attached cluster reports: a scenario run on a
 * version that lacks what it tests would pass for the wrong reason.
 */
import * as z from 'zod';

export const REQUIRABLE = ['patroni', 'postgres', 'etcd', 'haproxy'] as const;
export type Requirable = (typeof REQUIRABLE)[number];

const OPS = ['>=', '>', '<=', '<', '=='] as const;
type Op = (typeof OPS)[number];

export interface VersionRequirement {
  op: Op;
  version: string;
}

export type Requires = Partial<Record<Requirable, VersionRequirement>>;

const NAMES: Record<Requirable, string> = { patroni: 'Patroni', postgres: 'PostgreSQL', etcd: 'etcd', haproxy: 'HAProxy' };
const CONSTRAINT = /^(>=|>|<=|<|==)\s*(\d+(?:\.\d+){0,2})$/;
const HINT = 'expected a constraint such as ">= 4.0" (one of >=, >, <=, <, == and a version of up to three numbers)';

const constraint = z.string({ error: HINT }).transform((s, ctx): VersionRequirement => {
  const m = CONSTRAINT.exec(s.trim());
  if (m === null) {
    ctx.issues.push({ code: 'custom', input: s, message: HINT });
    return z.NEVER;
  }
  return { op: m[1] as Op, version: m[2] as string };
});

export const requiresSchema = z.strictObject(
  Object.fromEntries(REQUIRABLE.map((c) => [c, constraint.optional()])) as Record<Requirable, z.ZodOptional<typeof constraint>>,
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `expected components among ${REQUIRABLE.join(', ')}` : 'expected a mapping like {patroni: ">= 4.0"}') },
).transform((r): Requires => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

/** The leading dotted numbers of a version string ("3.2.26-1" -> [3, 2, 26]); undefined when it has none. */
export function versionParts(v: string): number[] | undefined {
  const m = /^(\d+(?:\.\d+)*)/.exec(v.trim());
  return m === null ? undefined : (m[1] as string).split('.').map(Number);
}

/** -1, 0, 1 over the first `parts` numbers, missing ones read as 0 (4.1 is 4.1.0). */
function compare(have: number[], want: number[], parts: number): number {
  for (let i = 0; i < parts; i++) {
    const d = (have[i] ?? 0) - (want[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Whether a version meets a requirement; `== 4.0` is the 4.0 line (4.0.7 meets it), the others order whole versions (4.1.5 > 4.1). */
export function satisfies(have: string, r: VersionRequirement): boolean | undefined {
  const h = versionParts(have);
  if (h === undefined) return undefined;
  const w = versionParts(r.version) as number[];
  if (r.op === '==') return compare(h, w, w.length) === 0;
  const c = compare(h, w, Math.max(h.length, w.length));
  return { '>=': c >= 0, '>': c > 0, '<=': c <= 0, '<': c < 0 }[r.op];
}

/**
 * Each requirement the versions do not meet, in words, with where the
 * versions came from; a version that is unknown does not meet anything.
 */
export function unmet(requires: Requires, versions: Partial<Record<Requirable, string | null>>, where: string): Array<{ component: Requirable; message: string }> {
  return (Object.entries(requires) as Array<[Requirable, VersionRequirement]>).flatMap(([component, r]) => {
    const have = versions[component];
    const need = `needs ${NAMES[component]} ${r.op} ${r.version}`;
    if (have === undefined || have === null) return [{ component, message: `${need}; ${where}: ${NAMES[component]}'s version is unknown, so the scenario cannot be shown to apply` }];
    const ok = satisfies(have, r);
    if (ok === true) return [];
    return [{ component, message: ok === undefined ? `${need}; ${where} reports ${NAMES[component]} "${have}", which is not a version` : `${need}; ${where} runs ${NAMES[component]} ${have}` }];
  });
}
