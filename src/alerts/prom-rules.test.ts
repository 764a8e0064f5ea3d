import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { adaptScopeText, renderRuleFiles } from './prom-rules.js';
import { loadDocumentedRules } from './report.js';
import { ruleFileFromText } from './rules.js';

describe('the rule files Prometheus is given', () => {
  it('change only the documents\' scope matcher, and say so', () => {
    expect(adaptScopeText('sum(patroni_master{scope="email-cluster"}) == 0', 'pgchaos')).toEqual({ expr: 'sum(patroni_master{scope="pgchaos"}) == 0', adapted: ['scope="email-cluster" read as the run\'s scope "pgchaos"'] });
    expect(adaptScopeText("x{scope != 'email-cluster', a=\"email-cluster\"}", 'p').expr).toBe('x{scope!="p", a="email-cluster"}');
    expect(adaptScopeText('x{scope="email-cluster"}', 'email-cluster')).toEqual({ expr: 'x{scope="email-cluster"}', adapted: [] });
    expect(adaptScopeText('x{myscope="email-cluster"}', 'p').adapted).toEqual([]);
  });

  it('keep every documented rule\'s alert, for, labels and annotations as written', () => {
    const files = loadDocumentedRules().flatMap((f) => ('file' in f ? [f.file] : []));
    const out = renderRuleFiles(files, 'pgchaos');
    const rendered = out.files.flatMap((f) => (parse(f.text) as { groups: Array<{ rules: Array<Record<string, unknown>> }> }).groups.flatMap((g) => g.rules));
    const documented = files.flatMap((f) => f.rules);
    expect(rendered.map((r) => r['alert'])).toEqual(documented.map((r) => r.name));
    for (const [i, r] of documented.entries()) {
      const got = rendered[i] ?? {};
      expect(got['for'], r.name).toBe(r.for);
      expect(got['labels'], r.name).toEqual(r.labels);
      expect(got['expr'], r.name).toBe(r.expr.replaceAll('scope="email-cluster"', 'scope="pgchaos"'));
      if (Object.keys(r.annotations).length > 0) expect(got['annotations'], r.name).toEqual(r.annotations);
    }
    expect(out.adapted.filter((a) => a.includes('PostgresNoLeader'))).toEqual(['scenarios/alerts/postgresql-alerts.yml PostgresNoLeader: scope="email-cluster" read as the run\'s scope "pgchaos"']);
    expect(out.adapted).toContain('scenarios/alerts/patroni-alerts-002.yml PatroniPrimaryDown: severity moved under labels: Prometheus rejects unknown rule fields');
  });

  it('a rule without labels or annotations gets none invented', () => {
    const f = ruleFileFromText('# source: x\ngroups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n', 'f.yml');
    const [file] = renderRuleFiles([f], 'p').files;
    expect(parse(file?.text ?? '')).toEqual({ groups: [{ name: 'f.yml', rules: [{ alert: 'A', expr: 'up == 0' }] }] });
  });
});
