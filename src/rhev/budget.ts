/**
 * One budget for the engine answers a process holds while they stream in.
 *
 * `maxResponseBytes` bounds one answer; nothing in it bounds many. Four
 * connections each reading a 200 MB answer at the same moment hold 800 MB
 * of text before any of it is parsed. A budget is shared by every transport
 * of a process (a server's: one per credential) and counts the bytes of
 * every answer still arriving:
 *
 * 1. Each chunk is taken from the budget as it arrives (`take`). A chunk that
 *    would carry the total past `limit` is refused, and its answer dropped at
 *    once (the transport closes the socket and gives back what it took).
 * 2. When an answer ends, by completing, failing or being dropped, all it took
 *    is given back (`give`): the budget measures what is in flight, not what
 *    was ever read.
 *
 * Refusing beats waiting: a chunk held back keeps its socket's buffers (and
 * the engine's serializer) busy, and the caller learns nothing. The refused
 * read fails with a coded error, and the engine can be asked again later.
 */
export class AnswerBudget {
  /** Bytes of answers in flight now. */
  private held = 0;
  /** The most ever held at once (for metrics and tests). */
  private most = 0;

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.held;
  }

  get peak(): number {
    return this.most;
  }

  /** Takes `bytes` for an answer in flight; false (taking nothing) when that would pass the limit. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    if (this.held > this.most) this.most = this.held;
    return true;
  }

  /**
   * Takes `bytes` for something an answer can do without (unchanged.ts
   * collecting its bytes), only while that leaves the budget at most half
   * used: what answers need to be read at all always has the other half.
   */
  takeSpare(bytes: number): boolean {
    return this.held + bytes <= this.limit / 2 && this.take(bytes);
  }

  /** Gives back what an answer took, when it ends. */
  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}

/** Default budget of a server: two answers at the single-answer cap. */
export const DEFAULT_ANSWER_BUDGET_BYTES = 512 * 1024 * 1024;
