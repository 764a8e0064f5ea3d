/** A YAML file kept with its line counter, so that any path can be turned back into file:line:column. */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { readFileSync } from 'node:fs';
import type { ScenarioIssue } from './errors.js';

export interface Source {
  /** As the user named it; used in messages. */
  file: string;
  doc: Document;
  lines: LineCounter;
}

export interface Position {
  line: number;
  column: number;
  /** False when the path is absent and the position is its nearest present ancestor's. */
  exact: boolean;
}

/** The parsed source and its syntax errors; when there are any, the content is not worth validating. */
export function parseSource(text: string, file: string): { source: Source; issues: ScenarioIssue[] } {
  const lines = new LineCounter();
  // `<<: *defaults` lets scenario files share blocks; YAML 1.2 leaves merge keys off unless asked.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
  const issues = doc.errors.map((err): ScenarioIssue => {
    const { line, col } = lines.linePos(err.pos[0]);
    const message = err.code === 'MULTIPLE_DOCS' ? 'expected a single YAML document, found another after ---' : `invalid YAML: ${err.message}`;
    return { file, line, column: col, path: '', message };
  });
  return { source: { file, doc, lines }, issues };
}

/** The plain data of the document, or an issue when it cannot be built (an alias to no anchor). */
export function toData(source: Source): { data: unknown } | { issue: ScenarioIssue } {
  try {
    return { data: source.doc.toJS({ maxAliasCount: 1000 }) };
  } catch (err) {
    return { issue: { file: source.file, line: 1, column: 1, path: '', message: `invalid YAML: ${(err as Error).message}` } };
  }
}

/**
 * Where a path is written. A mapping entry is pointed at by its key, which
 * is on the line the user reads for both `key: bad-value` and a nested block.
 */
export function positionOf(source: Source, path: readonly (string | number)[]): Position {
  let node: unknown = source.doc.contents;
  let offset = rangeStart(node) ?? 0;
  let exact = true;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) { exact = false; break; }
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      offset = rangeStart(node) ?? offset;
    } else {
      exact = false;
      break;
    }
  }
  const { line, col } = source.lines.linePos(offset);
  return { line, column: col, exact };
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}

/** Whether the document's root mapping has this key (a `suite:` key makes a suite file). */
export function hasRootKey(source: Source, key: string): boolean {
  return isMap(source.doc.contents) && source.doc.contents.has(key);
}

/** The file's text, or why it cannot be read, in words fit for a message. */
export function readText(path: string): string | { error: string } {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : (err as Error).message };
  }
}

/** Reads and parses a file; an unreadable file or bad YAML yields the issues instead. */
export function readSource(path: string, label: string): { source: Source } | { issues: ScenarioIssue[] } {
  const text = readText(path);
  if (typeof text !== 'string') return { issues: [{ file: label, line: 0, column: 0, path: '', message: `cannot read: ${text.error}` }] };
  const { source, issues } = parseSource(text, label);
  return issues.length > 0 ? { issues } : { source };
}
