/**
 * Lists the engine sends again unchanged are not read again.
 *
 * With a freshness window (fresh.ts) every list a dashboard needs is asked
 * for again once per window, and over an inventory at rest the engine sends
 * the same bytes each time. On API v4, 1,000 VMs with their disks and NICs
 * are 11 MB of XML, which the reader and the binding take about 400 ms to
 * turn into objects equal to those made one window before. So the bytes of
 * a list's answer are kept beside the answer made from them, and the next
 * answer to the same request is compared with them as it arrives:
 *
 * 1. While each chunk equals the kept bytes at its offset, nothing is read:
 *    a byte comparison per chunk. An answer that ends exactly where the kept
 *    bytes end is the same document, and the answer made from it before is
 *    served again: the same objects, so whatever callers derived from them
 *    (the server's per-list lookups) stays valid too.
 * 2. At the first chunk that differs, or at an end before the kept bytes
 *    end, the reader is given the kept bytes up to there, then the rest as
 *    it comes: the answer is read as if nothing had been compared.
 * 3. A differing answer's bytes are kept in their turn, for the next time,
 *    unless they pass `maxBytes`: such a list is read as it streams and held
 *    nowhere whole (any inventory size still works, body.ts), and nothing is
 *    kept for its request.
 * 4. All the bytes kept stay under `maxBytes`: the least recently used go
 *    first. An entry not used for `keepMs` is let go by a timer.
 * 5. While an answer arrives, the bytes collected for rule 3 are taken from
 *    the process's answer budget (budget.ts), as any answer's bytes in
 *    flight are, but only from its first half (`takeSpare`): the answers
 *    themselves never find the budget spent on collecting. What the budget
 *    cannot spare is not collected (the answer is still read), and what was
 *    taken is given back when the answer ends.
 *
 * The same bytes make the same objects, so nothing is answered differently
 * and the engine is asked exactly as often: only its answer is not parsed
 * twice. It relies on what the window already asks of callers, that kept
 * objects are never changed (fresh.ts), so a connection uses it only with a
 * window, and not with the replicas' shared reads, which share the document
 * before it is bound (shared/reads.ts).
 */
import type { AnswerReading, StreamReader } from './body.ts';
import type { AnswerBudget } from './budget.ts';
import { Sweeper } from './sweeper.ts';

/** What is kept of one request's last answer. */
interface Kept {
  readonly bytes: Buffer;
  readonly contentType: string;
  /** The document read from `bytes`. */
  readonly doc: unknown;
  usedAt: number;
}

/** Default bound on the bytes kept by one connection: a v4 list of about 1,500 VMs with their disks and NICs. */
export const DEFAULT_UNCHANGED_BYTES = 16 * 1024 * 1024;

export class UnchangedAnswers<A> {
  /** By request, least recently used first (a Map keeps insertion order; a use moves an entry to the end). */
  private readonly kept = new Map<string, Kept>();
  /**
   * What callers made of each document read (`made`): a document served
   * again, or read once for several callers, is made into an answer once.
   */
  private readonly answers = new WeakMap<object, A>();
  private bytes = 0;
  private readonly sweeper: Sweeper;
  /** Answers found unchanged, and answers read. */
  same = 0;
  read = 0;

  constructor(
    readonly maxBytes: number,
    readonly keepMs: number,
    /** Told each time an answer is found the same as the one kept. */
    private readonly onSame?: () => void,
    /** The process's answer budget, which the bytes being collected are taken from (rule 5). */
    private readonly budget?: AnswerBudget,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = new Sweeper(keepMs, () => {
      this.sweep();
      return this.kept.size > 0;
    });
  }

  /** `reading`, with each reader it makes comparing what arrives with the bytes kept for `key`. */
  reading(key: string, reading: AnswerReading): AnswerReading {
    return {
      accept: reading.accept,
      readerFor: (contentType) => {
        const reader = reading.readerFor(contentType);
        if (!reader) return undefined;
        const before = this.kept.get(key);
        const kept = before?.contentType === contentType ? before : undefined;
        return new ComparingReader(reader, kept, { maxBytes: this.maxBytes, budget: this.budget }, (after) =>
          this.ended(key, kept, after, contentType),
        );
      },
    };
  }

  /** What a caller made of `doc` before (the engine sent it again, or one answer was read for several callers). */
  answerFor(doc: object): A | undefined {
    return this.answers.get(doc);
  }

  /** Notes what the caller made of `doc`, for the next reader given it. */
  made(doc: object, answer: A): void {
    this.answers.set(doc, answer);
  }

  /** An answer to `key` has ended: the same as `compared` (`after` undefined), or read, with its bytes if they were collected. */
  private ended(key: string, compared: Kept | undefined, after: { bytes?: Buffer; doc: unknown } | undefined, contentType: string): void {
    const current = this.kept.get(key);
    if (!after) {
      this.same++;
      this.onSame?.();
      // Still kept (not pushed out or swept while the answer arrived): used last now.
      if (!compared || current !== compared) return;
      this.kept.delete(key);
      this.kept.set(key, compared);
      compared.usedAt = this.now();
      return;
    }
    this.read++;
    if (current) this.drop(key, current);
    if (!after.bytes || after.bytes.length > this.maxBytes) return;
    this.kept.set(key, { bytes: after.bytes, contentType, doc: after.doc, usedAt: this.now() });
    this.bytes += after.bytes.length;
    for (const [k, old] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(k, old);
    }
    this.sweeper.arm();
  }

  private drop(key: string, k: Kept): void {
    this.kept.delete(key);
    this.bytes -= k.bytes.length;
  }

  /** Lets go of what was not used for `keepMs`; `now` for tests. */
  sweep(now = this.now()): void {
    for (const [key, k] of this.kept) if (now - k.usedAt >= this.keepMs) this.drop(key, k);
  }

  /** Forgets everything. */
  clear(): void {
    this.kept.clear();
    this.bytes = 0;
    this.sweeper.stop();
  }

  get size(): number {
    return this.kept.size;
  }

  /** Bytes kept, of all entries. */
  get keptBytes(): number {
    return this.bytes;
  }
}

/**
 * A reader comparing an answer's bytes with those of the answer before
 * (rules 1 and 2), and collecting them for the next time (rule 3).
 */
class ComparingReader implements StreamReader {
  /** Bytes found equal to `before`'s so far; -1 once they differed (or there was nothing to compare with). */
  private matched: number;
  /** This answer's bytes so far, while they stay under `maxBytes` and the budget has them. */
  private chunks: Buffer[] | undefined = [];
  private length = 0;
  /** Bytes taken from the budget for `chunks`. */
  private taken = 0;

  constructor(
    private readonly reader: StreamReader,
    private readonly before: { readonly bytes: Buffer; readonly doc: unknown } | undefined,
    private readonly bounds: { readonly maxBytes: number; readonly budget?: AnswerBudget },
    /** Told how the answer ended: undefined when it was `before`'s again. */
    private readonly ended: (after: { bytes?: Buffer; doc: unknown } | undefined) => void,
  ) {
    this.matched = before ? 0 : -1;
  }

  write(chunk: Buffer): void {
    if (this.matched >= 0) {
      const bytes = this.before!.bytes;
      const end = this.matched + chunk.length;
      if (end <= bytes.length && bytes.compare(chunk, 0, chunk.length, this.matched, end) === 0) {
        this.matched = end;
        return;
      }
      this.differ();
    }
    this.keep(chunk);
    this.reader.write(chunk);
  }

  end(): unknown {
    if (this.matched >= 0 && this.matched === this.before!.bytes.length) {
      this.ended(undefined);
      return this.before!.doc;
    }
    if (this.matched >= 0) this.differ();
    const doc = this.reader.end();
    const bytes = this.chunks && Buffer.concat(this.chunks, this.length);
    this.release();
    this.ended({ bytes, doc });
    return doc;
  }

  /** Gives the bytes collected back to the budget; what was collected is let go (rule 5). */
  release(): void {
    this.bounds.budget?.give(this.taken);
    this.taken = 0;
    this.chunks = undefined;
  }

  get open(): number {
    return this.matched >= 0 ? 0 : this.reader.open;
  }

  /** The answer differs from `before` after `matched` bytes: the reader reads those first. */
  private differ(): void {
    const same = this.before!.bytes.subarray(0, this.matched);
    this.matched = -1;
    this.keep(same);
    if (same.length) this.reader.write(same);
  }

  private keep(chunk: Buffer): void {
    if (!this.chunks) return;
    this.length += chunk.length;
    const { maxBytes, budget } = this.bounds;
    if (this.length > maxBytes || (budget && !budget.takeSpare(chunk.length))) {
      this.release();
      return;
    }
    this.taken += chunk.length;
    this.chunks.push(chunk);
  }
}
