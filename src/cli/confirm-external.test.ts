import { describe, expect, it } from 'vitest';
import type { ClusterFile } from '../cluster/external/cluster-file.js';
import { refusalOf } from '../scenario/test-support.js';
import { loadScenarioText } from '../scenario/load.js';
import type { Suite } from '../scenario/types.js';
import { confirmExternal } from '../cluster/external/confirm.js';
import { confirmRun } from './scenario-commands.js';

const file = (allowFaults: boolean) => ({ file: 'staging.yaml', scope: 'email-cluster', allowFaults }) as ClusterFile;
/** The gate as the CLI runs it: the external provider's, given the scenarios that inject faults. */
const confirm = (f: ClusterFile, suites: readonly Suite[], typed: string | undefined) => confirmRun({ confirm: (c) => confirmExternal(f, c) }, suites, typed);
const suite = (steps: string): Suite[] => [{ name: 's', file: 's.yaml', iterations: 1, scenarios: [loadScenarioText(`name: kill\nsteps:\n${steps}`, 'k.yaml')] }];
const FAULT = suite('  - fault: { action: kill, target: primary }\n');
const QUIET = suite('  - sleep: 1s\n');


describe('the external provider\'s confirmation, before anything is touched', () => {
  it('refuses a run without --confirm-cluster, or with another scope, naming the one to type', () => {
    expect(refusalOf(() => confirm(file(true), QUIET, undefined))).toEqual([
      '--confirm-cluster: required with --provider external: type the cluster\'s scope (--confirm-cluster email-cluster) to confirm that this run may write to it and fault it',
    ]);
    expect(refusalOf(() => confirm(file(true), QUIET, 'email'))).toEqual(['--confirm-cluster: "email" is not the scope staging.yaml names ("email-cluster")']);
  });

  it('refuses faults unless the file allows them, and lets a run without faults through', () => {
    expect(refusalOf(() => confirm(file(false), FAULT, 'email-cluster'))).toEqual([
      'staging.yaml: allow_faults: is not true, and these scenarios inject faults: kill. Set allow_faults: true in the file to let this cluster be faulted',
    ]);
    expect(refusalOf(() => confirm(file(false), QUIET, 'email-cluster'))).toEqual([]);
    expect(refusalOf(() => confirm(file(true), FAULT, 'email-cluster'))).toEqual([]);
  });
});
