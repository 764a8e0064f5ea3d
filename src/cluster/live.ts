import { HarnessError } from '../errors.js';
import type { StartedCluster } from './types.js';

type Live = Pick<StartedCluster, 'stop'>;

/**
 * Once closed (a stop of everything began: Ctrl-C, SIGTERM, a crash), a
 * cluster that registers is refused: the stop already took its list and
 * would not see it, and process.exit would leave it running. Providers
 * register before they make anything, so a refused start made nothing.
 */
class LiveClusters extends Set<Live> {
  #closed = false;
  get closed(): boolean {
    return this.#closed;
  }
  close(): void {
    this.#closed = true;
  }
  override add(c: Live): this {
    if (this.#closed) throw new HarnessError('INTERRUPTED', 'the harness is stopping: no cluster starts now');
    return super.add(c);
  }
}

/**
 * Every cluster this process has started and not yet stopped, whatever its
 * provider: what Ctrl-C, SIGTERM and a crash stop before the process exits.
 * A provider adds a cluster before it makes anything of it and removes it when it stops.
 */
export const liveClusters = new LiveClusters();
