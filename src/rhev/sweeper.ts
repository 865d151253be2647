/**
 * A timer that lets go of what is kept, for as long as anything is: how the
 * freshness window (fresh.ts rule 5) and the unchanged lists (unchanged.ts)
 * give memory back whether or not anyone asks again.
 *
 * `arm()` after keeping something starts it unless it runs already; every
 * `everyMs` it calls `sweep`, which answers whether anything is still kept,
 * and it stops when nothing is. It never holds the process open (unref).
 */
export class Sweeper {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly everyMs: number,
    /** Drops what has expired; true while anything is left to sweep later. */
    private readonly sweep: () => boolean,
  ) {}

  arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.sweep()) this.arm();
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
