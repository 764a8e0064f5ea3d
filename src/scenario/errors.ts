/** One problem in the user's input, located where the user can fix it. */
export interface ScenarioIssue {
  /** The file as the user named it ('' for a problem in the command line itself). */
  file: string;
  /** 1-based; 0 when there is no position (a missing file, a bad flag). */
  line: number;
  column: number;
  /** Where in the document, e.g. "steps[2].fault.action" ('' for the whole file). */
  path: string;
  /** What was expected. */
  message: string;
  /** The `--set` flag (path=value) that caused it, when one did. */
  override?: string;
}

export function formatIssue(issue: ScenarioIssue): string {
  // An override's position in the file would mislead: what the user must fix is on the command line.
  const located = issue.line > 0 && issue.override === undefined;
  const file = issue.file === '' ? '' : located ? `${issue.file}:${issue.line}:${issue.column}: ` : `${issue.file}: `;
  const flag = issue.override === undefined ? '' : `--set ${issue.override}: `;
  const path = issue.path === '' ? '' : `${issue.path}: `;
  return `${file}${flag}${path}${issue.message}`;
}

/** Invalid input (exit code 2): every issue found, not only the first. */
export class ScenarioError extends Error {
  readonly code = 'INVALID_INPUT';
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

/** Turns a path like ['steps', 2, 'fault'] into "steps[2].fault". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}
