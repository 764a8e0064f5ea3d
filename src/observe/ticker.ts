/**
 * Runs a probe at a fixed interval, never two at once: a probe stuck on a
 * frozen node skips ticks instead of piling up connections.
 */
export class Ticker {
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;

  constructor(private readonly intervalMs: number, private readonly probe: () => Promise<void>) {}

  start(): void {
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = this.probe().finally(() => (this.#busy = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#busy;
  }
}
