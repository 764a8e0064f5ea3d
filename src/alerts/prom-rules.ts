/**
 * The documented rules as Prometheus loads them: each rule's own fields
 * (alert, expr, for, labels, annotations) as its document writes them, in
 * one group per file. Only what Prometheus would refuse is changed (rules.ts
 * lists it: 002's bare list and its top-level `severity`), and the
 * documents' scope matcher, which names their cluster, not the run's.
 */
import { stringify } from 'yaml';
import { DOCUMENTED_SCOPE } from './scope.js';
import type { RuleFile } from './rules.js';

export interface RenderedRules {
  /** One Prometheus rule file per documented file, in order: a file name and its text. */
  files: Array<{ name: string; text: string; from: string }>;
  /** Every change from the documents' text, each naming its file and rule. */
  adapted: string[];
}

/** The matcher `scope="email-cluster"` (or !=, either quote), as PromQL writes it. */
const SCOPE_MATCHER = new RegExp(`\\bscope\\s*(=|!=)\\s*(["'])${DOCUMENTED_SCOPE}\\2`, 'g');

/** The expression with the documents' scope read as the run's, and what was changed (the words scope.ts uses). */
export function adaptScopeText(expr: string, runScope: string): { expr: string; adapted: string[] } {
  if (runScope === DOCUMENTED_SCOPE) return { expr, adapted: [] };
  const adapted = new Set<string>();
  const out = expr.replace(SCOPE_MATCHER, (_m, op: string) => {
    adapted.add(`scope${op}"${DOCUMENTED_SCOPE}" read as the run's scope ${JSON.stringify(runScope)}`);
    return `scope${op}${JSON.stringify(runScope)}`;
  });
  return { expr: out, adapted: [...adapted] };
}

/** Rule file names Prometheus gets: the documented file's base name, so its errors name the document's file. */
const fileName = (label: string): string => label.split('/').pop() ?? label;

export function renderRuleFiles(files: readonly RuleFile[], runScope: string): RenderedRules {
  const adapted: string[] = [];
  const rendered = files.map((f) => {
    for (const a of f.adapted) adapted.push(`${f.file}: ${a}`);
    const rules = f.rules.map((r) => {
      const scoped = adaptScopeText(r.expr, runScope);
      for (const a of [...r.adapted, ...scoped.adapted]) adapted.push(`${f.file} ${r.name}: ${a}`);
      return {
        alert: r.name,
        expr: scoped.expr,
        ...(r.for === undefined ? {} : { for: r.for }),
        ...(Object.keys(r.labels).length === 0 ? {} : { labels: r.labels }),
        ...(Object.keys(r.annotations).length === 0 ? {} : { annotations: r.annotations }),
      };
    });
    const text = `# rendered by patroni-chaos from ${f.file} (${f.source})\n${stringify({ groups: [{ name: fileName(f.file), rules }] }, { lineWidth: 0 })}`;
    return { name: fileName(f.file), text, from: f.file };
  });
  return { files: rendered, adapted };
}
