/**
 * An answer's body as it arrives, within its bounds.
 *
 * Two ways to take it, chosen when the status and type are known:
 *
 * 1. **Read as it streams** (a successful XML or JSON answer to a request
 *    that gave a reader: xml/read.ts DocumentStream, json/read.ts
 *    JsonDocumentStream): each chunk is handed to the reader at once,
 *    decoded there (`decoded`), and let go; a window's lists are first
 *    compared with the answer before, whose bytes are kept when they are
 *    small (unchanged.ts). No answer is held as one string, so
 *    a list's size is bounded by the memory its objects take, not by the
 *    longest string V8 can make (about 512 M characters). The size limit
 *    then holds per list item: no item, and nothing outside the items, may
 *    pass `maxBytes`; and the list as a whole may not pass `maxListBytes`,
 *    a bound far above any inventory measured (an engine that never stops
 *    sending is cut there, not when memory runs out).
 * 2. **Kept as text** (faults, error pages, answers nobody reads as a
 *    stream): the whole answer is bounded by `maxBytes`.
 *
 * Either way the answer holds bytes of the process's answer budget
 * (budget.ts) for what it has in flight: text kept, all of it until the
 * answer ends; an answer read as it streams, the part not yet read into a
 * finished item (what the reader still holds as text and open elements),
 * given back item by item.
 */
import { StringDecoder } from 'node:string_decoder';
import type { AnswerBudget } from './budget.ts';

/**
 * How a request's answer is read as it streams: the representation asked
 * for, and a reader for what the engine sent (answers.ts answerReading).
 */
export interface AnswerReading {
  /** The Accept header the request sends. */
  readonly accept: string;
  /** A new reader for a successful answer of this content type; undefined keeps the answer as text. */
  readerFor(contentType: string): StreamReader | undefined;
}

/**
 * What reads an answer while it streams, from its bytes as they came: the
 * XML or JSON reader behind the connection's checks (`decoded`), or one that
 * first compares the bytes with an answer read before (unchanged.ts).
 */
export interface StreamReader {
  write(chunk: Buffer): void;
  /** The document read; throws when the answer is not one. */
  end(): unknown;
  /** Characters taken that are not inside a finished list item yet: what the reader holds as text and open elements. */
  readonly open: number;
  /** Gives back what the reader itself took from the budget, however the answer ended (called once, by `AnswerBody.release`). */
  release?(): void;
}

/** A document reader that takes text: xml/read.ts DocumentStream, json/read.ts JsonDocumentStream, behind their checks. */
export interface TextReader {
  write(text: string): void;
  end(): unknown;
  /** Characters of the answer inside the list items read so far. */
  readonly itemChars: number;
}

/** A text reader fed from bytes: UTF-8 decoded chunk by chunk (a character split between two chunks is held until it is whole). */
export function decoded(reader: TextReader): StreamReader {
  const decoder = new StringDecoder('utf8');
  let chars = 0;
  return {
    write(chunk) {
      const text = decoder.write(chunk);
      chars += text.length;
      reader.write(text);
    },
    end() {
      const rest = decoder.end();
      if (rest) reader.write(rest);
      return reader.end();
    },
    get open() {
      return chars - reader.itemChars;
    },
  };
}

export interface BodyLimits {
  readonly maxBytes: number;
  readonly maxListBytes: number;
  readonly budget?: AnswerBudget;
}

/** Why an answer was dropped while it arrived. */
export type Overflow =
  | { readonly kind: 'size'; readonly size: number }
  | { readonly kind: 'item'; readonly size: number }
  | { readonly kind: 'list'; readonly size: number }
  | { readonly kind: 'budget' };

export class AnswerBody {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  /** Bytes received. */
  size = 0;
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
    if (!reader) {
      if (this.size > limits.maxBytes) return { kind: 'size', size: this.size };
      if (!this.hold(this.held + chunk.length)) return { kind: 'budget' };
      this.text += this.decoder.write(chunk);
      return undefined;
    }
    reader.write(chunk);
    if (this.size > limits.maxListBytes) return { kind: 'list', size: this.size };
    const open = reader.open;
    if (open > limits.maxBytes) return { kind: 'item', size: open };
    return this.hold(open) ? undefined : { kind: 'budget' };
  }

  /** Holds `bytes` of the budget in all (taking or giving the difference); false, holding what it held, if the budget has not got it. */
  private hold(bytes: number): boolean {
    const budget = this.limits.budget;
    if (!budget) return true;
    const more = bytes - this.held;
    if (more > 0 && !budget.take(more)) return false;
    if (more < 0) budget.give(-more);
    this.held = bytes;
    return true;
  }

  /** The answer, once it has all arrived: its text, or (streamed) '' and the document read. */
  finish(): { body: string; read?: unknown } {
    if (!this.reader) {
      const body = this.text + this.decoder.end();
      this.text = '';
      return { body };
    }
    return { body: '', read: this.reader.end() };
  }

  /** Gives back to the budget what this answer still holds (call once, however it ends). */
  release(): void {
    this.reader?.release?.();
    this.limits.budget?.give(this.held);
    this.held = 0;
    this.text = '';
  }
}
