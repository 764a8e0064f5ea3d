/**
 * The external provider's gate, before anything is touched: the scope typed
 * again on the command line, and `allow_faults: true` in the file for any
 * scenario with a fault. Both are invalid input (exit 2) when missing.
 */
import { ScenarioError, type ScenarioIssue } from '../../scenario/errors.js';
import type { Consent } from '../types.js';
import type { ClusterFile } from './cluster-file.js';

export function confirmExternal(f: ClusterFile, { typed, faulting }: Consent): void {
  const issues: ScenarioIssue[] = [];
  if (typed !== f.scope) {
    issues.push({ file: '', line: 0, column: 0, path: '--confirm-cluster', message: typed === undefined
      ? `required with --provider external: type the cluster's scope (--confirm-cluster ${f.scope}) to confirm that this run may write to it and fault it`
      : `"${typed}" is not the scope ${f.file} names ("${f.scope}")` });
  }
  if (faulting.length > 0 && !f.allowFaults) {
    issues.push({ file: f.file, line: 0, column: 0, path: 'allow_faults', message: `is not true, and these scenarios inject faults: ${faulting.join(', ')}. Set allow_faults: true in the file to let this cluster be faulted` });
  }
  if (issues.length > 0) throw new ScenarioError(issues);
}
