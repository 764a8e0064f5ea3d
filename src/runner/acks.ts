import type { WriteEvent } from '../history/events.js';

/**
 * What `wait_for: writable` knows of the workload's acknowledgements while
 * the steps run: the latest start of an ok write, overall, by the member
 * that acknowledged it, and by timeline for those whose member the workload
 * could not name (its server address is not one the cluster listed). Starts,
 * not ends: a write in flight across a crash may still be acknowledged by
 * the dying primary, so only one begun after the step did is a recovery.
 */
export class AckLedger {
  #lastStart = 0;
  readonly #byNode = new Map<string, number>();
  readonly #unnamedByTimeline = new Map<number, number>();
  #timeline: number | undefined;
  #timelineAtFault: number | undefined;

  record(w: WriteEvent): void {
    if (w.outcome !== 'ok') return;
    this.#lastStart = Math.max(this.#lastStart, w.start);
    if (w.node !== undefined) this.#byNode.set(w.node, Math.max(this.#byNode.get(w.node) ?? 0, w.start));
    if (w.timeline === undefined) return;
    this.#timeline = Math.max(this.#timeline ?? 0, w.timeline);
    if (w.node === undefined) this.#unnamedByTimeline.set(w.timeline, Math.max(this.#unnamedByTimeline.get(w.timeline) ?? 0, w.start));
  }

  /** A fault or operator action begins: the newest timeline acknowledged so far is the one it found. */
  markFault(): void {
    this.#timelineAtFault = this.#timeline;
  }

  /**
   * True, or why not yet: a write started at or after `since` acknowledged
   * through the primary endpoint; once the leader key has moved from
   * `leaderAtFault` to `leader`, one acknowledged by that new leader, since a
   * fenced old primary may go on acknowledging for a while. A write whose
   * member could not be named is the new leader's when it was acknowledged
   * on a timeline newer than any before the fault: the old primary stays on
   * its own, and every promotion starts a new one.
   */
  writableSince(since: number, leader: string | null | undefined, leaderAtFault: string | null | undefined): true | string {
    if (leaderAtFault === undefined || !leader || leader === leaderAtFault) {
      return this.#lastStart >= since ? true : 'no write acknowledged through the primary endpoint since the step began';
    }
    if ((this.#byNode.get(leader) ?? 0) >= since) return true;
    const before = this.#timelineAtFault;
    if (before !== undefined && [...this.#unnamedByTimeline].some(([tl, start]) => tl > before && start >= since)) return true;
    return `no write acknowledged by the new leader ${leader} since the step began`;
  }
}
