/**
 * An answer's body as it arrives, within its bounds.
 *
 * Two ways to take it, chosen when the status and type are known:
 *
 * 1. **Read as it streams** (a successful XML answer to a request that gave
 *    a reader, xml/read.ts DocumentStream): each chunk is decoded and handed
 *    to the reader at once, and let go. No answer is held as one string, so
 *    a list's size is bounded by the memory its objects take, not by the
 *    longest string V8 can make (about 512 M characters). The size limit
 *    then holds per list item: no item, and nothing outside the items, may
 *    pass `maxBytes`; and a list may have at most `maxItems` items.
 * 2. **Kept as text** (faults, error pages, JSON, answers nobody reads as a
 *    stream): the whole answer is bounded by `maxBytes`.
 *
 * Either way each chunk is taken from the process's answer budget
 * (budget.ts) as it arrives. Text kept is held against the budget until the
 * answer ends; a chunk read as it streams is given back as soon as the
 * reader has it.
 */
import { StringDecoder } from 'node:string_decoder';
import type { AnswerBudget } from './budget.ts';

/** What reads an answer while it streams: the XML reader behind the connection's checks. */
export interface StreamReader {
  write(text: string): void;
  /** The document read; throws when the answer is not one. */
  end(): unknown;
  /** A list's items read so far. */
  readonly items: number;
  /** Characters of the answer inside those items. */
  readonly itemChars: number;
}

export interface BodyLimits {
  readonly maxBytes: number;
  readonly maxItems: number;
  readonly budget?: AnswerBudget;
}

/** Why an answer was dropped while it arrived. */
export type Overflow =
  | { readonly kind: 'size'; readonly size: number }
  | { readonly kind: 'item'; readonly size: number }
  | { readonly kind: 'items'; readonly items: number }
  | { readonly kind: 'budget' };

export class AnswerBody {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  /** Bytes received. */
  size = 0;
  /** Characters handed to the reader. */
  private chars = 0;
  /** Bytes this answer holds against the budget now. */
  private held = 0;

  constructor(
    private readonly limits: BodyLimits,
    /** Set when the answer is read as it streams. */
    private readonly reader: StreamReader | undefined,
  ) {}

  get streamed(): boolean {
    return this.reader !== undefined;
  }

  /**
   * Takes one chunk. Answers why the answer must be dropped, if it must;
   * throws what the reader throws (the answer is not a document).
   */
  take(chunk: Buffer): Overflow | undefined {
    const { limits, reader } = this;
    this.size += chunk.length;
    if (!reader && this.size > limits.maxBytes) return { kind: 'size', size: this.size };
    if (limits.budget && !limits.budget.take(chunk.length)) return { kind: 'budget' };
    if (!reader) {
      this.held += chunk.length;
      this.text += this.decoder.write(chunk);
      return undefined;
    }
    const text = this.decoder.write(chunk);
    this.chars += text.length;
    try {
      reader.write(text);
    } finally {
      limits.budget?.give(chunk.length);
    }
    if (reader.items > limits.maxItems) return { kind: 'items', items: reader.items };
    const open = this.chars - reader.itemChars;
    if (open > limits.maxBytes) return { kind: 'item', size: open };
    return undefined;
  }

  /** The answer, once it has all arrived: its text, or (streamed) '' and the document read. */
  finish(): { body: string; read?: unknown } {
    const rest = this.decoder.end();
    if (!this.reader) {
      const body = this.text + rest;
      this.text = '';
      return { body };
    }
    if (rest) this.reader.write(rest);
    return { body: '', read: this.reader.end() };
  }

  /** Gives back to the budget what this answer still holds (call once, however it ends). */
  release(): void {
    this.limits.budget?.give(this.held);
    this.held = 0;
    this.text = '';
  }
}
