/**
 * Console progress while a scenario runs: step, elapsed time, writes per
 * second and the current primary. On a terminal one line is redrawn every
 * second; in CI (no TTY) a line is printed every few seconds and at each step.
 */
export interface ProgressSource {
  step(): string;
  writes(): { ok: number; fail: number; info: number };
  primary(): string | null | undefined;
}

export class Progress {
  #timer: NodeJS.Timeout | undefined;
  #last = { ok: 0, fail: 0, info: 0, t: Date.now() };
  readonly #tty: boolean;
  readonly #t0 = Date.now();

  /** `shared`: other runs print to the same console at once (run --parallel), so every line is kept, none redrawn. */
  constructor(private readonly label: string, private readonly src: ProgressSource, o: { shared?: boolean } = {}) {
    this.#tty = process.stderr.isTTY === true && o.shared !== true;
  }

  start(): void {
    this.#timer = setInterval(() => this.#tick(), this.#tty ? 1000 : 5000);
  }

  /** A line of its own, for events worth keeping in the scroll-back. */
  say(message: string): void {
    if (this.#tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(`[${this.label} ${this.#elapsed()}] ${message}\n`);
  }

  stop(): void {
    clearInterval(this.#timer);
    if (this.#tty) process.stderr.write('\r\x1b[K');
  }

  #elapsed(): string {
    return `${((Date.now() - this.#t0) / 1000).toFixed(1)} s`;
  }

  #tick(): void {
    const w = this.src.writes();
    const dt = (Date.now() - this.#last.t) / 1000;
    const rate = (n: number, m: number) => Math.round((n - m) / dt);
    const line = `[${this.label} ${this.#elapsed()}] ${this.src.step()} | ${rate(w.ok, this.#last.ok)} ok/s, ${rate(w.fail, this.#last.fail)} fail/s, ${rate(w.info, this.#last.info)} info/s | primary ${this.src.primary() ?? 'none'}`;
    this.#last = { ...w, t: Date.now() };
    process.stderr.write(this.#tty ? `\r\x1b[K${line}` : `${line}\n`);
  }
}
