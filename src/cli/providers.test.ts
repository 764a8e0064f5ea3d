import { describe, expect, it } from 'vitest';
import { REPO } from '../test-support/cli.js';
import { refusalOf } from '../scenario/test-support.js';
import { loadChecked } from './scenario-commands.js';

const scenario = (name: string) => `${REPO}scenarios/${name}.yaml`;

describe('the docker provider takes latency and bandwidth faults (issue 20)', () => {
  it('validates the latency scenarios, and the cut ones still', () => {
    for (const name of ['slow-sync-standby', 'slow-etcd', 'primary-partitioned-from-etcd', 'split-brain-attempt']) {
      expect(refusalOf(() => loadChecked([scenario(name)], [], 'docker')), name).toEqual([]);
    }
  });
});
