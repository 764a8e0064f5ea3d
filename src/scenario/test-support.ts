import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatIssue, ScenarioError } from './errors.js';

/** The rendered lines of the ScenarioError `fn` throws; fails when it throws nothing or something else. */
export function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ScenarioError, nothing was thrown');
}

/** The issues of the ScenarioError `fn` throws, as the CLI prints them; [] when it accepted its input. */
export function refusalOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

const trees: string[] = [];

/** A fresh directory holding these files (paths relative to it); removed by removeTempTrees. */
export function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'scenario-test-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The smallest valid scenario, to which a test adds the field it is about. */
export function minimal(name = 'smoke', extra = ''): string {
  return `name: ${name}\nsteps:\n  - sleep: 1s\n${extra}`;
}

export function removeTempTrees(): void {
  for (const root of trees.splice(0)) rmSync(root, { recursive: true, force: true });
}
