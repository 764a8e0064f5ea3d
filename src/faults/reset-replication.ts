import type { FaultDefinition } from './types.js';
import { poisonLinks } from './network-target.js';

/**
 * A member's peers see it go away at once: every connection on its peer links
 * (replication, pg_rewind's, the REST API's) is aborted with RST as soon as a
 * byte crosses it, and so is every new one, while its DCS and client links stay.
 * Unlike a blackhole, nothing waits on a timeout: a pg_rewind reading from it
 * fails there and then, and the check after it is refused.
 */
export const resetReplication: FaultDefinition = {
  action: 'reset-replication',
  description: 'abort with RST every connection on a member\'s peer links (replication, pg_rewind, REST), open and new; heal removes it',
  targets: ['member'],
  needs: ['link-shape'],
  inject: (cluster, names) => poisonLinks(cluster, names, ['peer'], 'reset_replication', { kind: 'reset' }),
};
