/**
 * Reads the engine's JSON answers (write.ts says their shape) into typed
 * objects as their text arrives, so that, as with XML (xml/read.ts), no
 * answer is ever held as one string: a 100,000-VM list is over a gigabyte
 * of JSON, more than V8's longest string.
 *
 * JSON.parse is the fastest reader there is, but it takes one string. So
 * this is a scanner that cuts the answer where JSON.parse can take it:
 *
 * - a list's items (the objects in the array under the document's item
 *   key, `{"vm": [ {...}, {...} ]}`) are each cut out as they close, parsed
 *   alone, typed (typed.ts) and let go;
 * - the rest (the document's own object with that array left empty, or the
 *   whole of a single resource) is kept and parsed at the end.
 *
 * The scanner knows only what it must to cut: nesting, strings (a `{` in a
 * string is text) and escapes; JSON.parse judges every piece it cuts, so a
 * malformed answer fails there. Between the items it checks the commas
 * itself, since those are the characters no piece keeps.
 */
import { type Plan, planOf, type ReadResult, type WireSchema } from '../xml/index.ts';
import { JsonShapeError, JsonSyntaxError } from './errors.ts';
import { type JsonObject, JsonTyper, type JsonValue } from './typed.ts';

// The characters the scanner acts on (RFC 8259).
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTATION_MARK = 0x22; // "
const COMMA = 0x2c; // ,
const LEFT_SQUARE_BRACKET = 0x5b; // [
const RIGHT_SQUARE_BRACKET = 0x5d; // ]
const LEFT_CURLY_BRACKET = 0x7b; // {
const RIGHT_CURLY_BRACKET = 0x7d; // }
const BYTE_ORDER_MARK = 0xfeff;

/** RFC 8259 ws */
const isSpace = (c: number): boolean => c === SPACE || c === LINE_FEED || c === CARRIAGE_RETURN || c === TAB;

/** Where the scan stands. */
enum Mode {
  /** In the document's own text (kept whole). */
  Outside,
  /** In the item array, between items: only white space, commas, and the next item's `{`. */
  Between,
  /** In an item (cut out when it closes). */
  Item,
}

/** The depth of the item array: inside the document's object, inside the array. */
const ITEM_ARRAY_DEPTH = 2;

/** The last key written before an array opens: `"vm" : [` (it is in the kept text, which is short). */
const KEY_BEFORE = /"((?:[^"\\]|\\.)*)"\s*:\s*$/;

/**
 * One JSON document read as its text arrives: `write` each chunk, then
 * `end`. `root` is the document element the answer stands for (JSON does not
 * name it): `vms` for a list, `vm` for one VM.
 */
export class JsonDocumentStream {
  private readonly plan: Plan;
  private readonly type: string;
  private readonly typer = new JsonTyper();
  /** The list's items, typed as they closed, by the key of their array (a document may have more than one). */
  private readonly items = new Map<string, JsonObject[]>();
  /** The document's own text, the item array left empty. */
  private kept = '';
  /** The open item's text, in the chunks it came in. */
  private itemParts: string[] = [];
  private mode = Mode.Outside;
  private depth = 0;
  private inString = false;
  /** The chunk ended inside a string right after a backslash: the next character is escaped. */
  private escaped = false;
  /** In `Between`: an item has closed since the last comma (or the array's start). */
  private afterItem = false;
  /** Items seen in the array so far (`[ , ]` is refused). */
  private itemCount = 0;
  private itemKey = '';
  private chars = 0;
  /** Characters of the answer in items read so far. */
  itemChars = 0;
  /** Where the open item began, in characters from the start. */
  private itemStart = 0;
  private ended = false;

  constructor(
    model: WireSchema,
    private readonly root: string,
  ) {
    const type = model.elements.get(root);
    if (!type || !model.types.has(type)) throw new JsonShapeError(`Unknown document ${root}`, 0);
    this.type = type;
    this.plan = planOf(model, type);
  }

  write(chunk: string): void {
    if (this.ended) throw new Error('The document has ended');
    this.scan(chunk);
    this.chars += chunk.length;
  }

  end(last = ''): ReadResult {
    this.write(last);
    this.ended = true;
    if (this.inString || this.depth !== 0 || this.mode !== Mode.Outside)
      throw new JsonSyntaxError('The answer ends inside a value', this.chars);
    if (!this.kept.trim()) throw new JsonSyntaxError('No document', 0);
    let json: JsonValue;
    try {
      json = JSON.parse(this.kept);
    } catch (e) {
      throw new JsonSyntaxError(`Not JSON: ${(e as Error).message}`, 0);
    }
    const value = this.typer.adopt(this.plan, json, this.root, undefined, 0);
    for (const [key, items] of this.items) value[key] = items;
    return { root: this.root, type: this.type, value };
  }

  /** Goes through one chunk: a string is passed over with indexOf, all else a character at a time. */
  private scan(s: string): void {
    const len = s.length;
    // Where the text the current mode keeps began in this chunk.
    let from = 0;
    let i = 0;
    // The next backslash at or after i (len when none): looked up again only once passed.
    let backslash = -1;
    if (this.escaped && len) {
      this.escaped = false;
      i = 1;
    }
    while (i < len) {
      if (this.inString) {
        if (backslash < i) backslash = indexOr(s, '\\', i, len);
        const quote = indexOr(s, '"', i, len);
        if (backslash < quote) {
          i = backslash + 2;
          if (i > len) this.escaped = true;
          continue;
        }
        if (quote === len) break;
        this.inString = false;
        i = quote + 1;
        continue;
      }
      const c = s.charCodeAt(i);
      if (this.mode === Mode.Between) {
        if (!this.between(c, i)) {
          // An item opens here: what was kept so far is the document's.
          this.itemStart = this.chars + i;
          from = i;
        } else if (c === RIGHT_SQUARE_BRACKET) {
          from = i;
        }
        i++;
        continue;
      }
      if (c === QUOTATION_MARK) this.inString = true;
      else if (c === LEFT_CURLY_BRACKET || c === LEFT_SQUARE_BRACKET) {
        if (this.depth === 0 && c !== LEFT_CURLY_BRACKET) throw new JsonShapeError('The answer is not an object', this.chars + i);
        this.depth++;
        if (c === LEFT_SQUARE_BRACKET && this.depth === ITEM_ARRAY_DEPTH && this.isItemArray(s, from, i)) {
          this.kept += s.slice(from, i + 1);
          this.mode = Mode.Between;
          this.afterItem = false;
          this.itemCount = 0;
        }
      } else if (c === RIGHT_CURLY_BRACKET || c === RIGHT_SQUARE_BRACKET) {
        this.depth--;
        if (this.depth < 0) throw new JsonSyntaxError('Unbalanced close', this.chars + i);
        if (this.mode === Mode.Item && this.depth === ITEM_ARRAY_DEPTH) {
          this.itemParts.push(s.slice(from, i + 1));
          this.item();
          this.mode = Mode.Between;
          this.afterItem = true;
        }
      } else if (this.depth === 0 && !isSpace(c) && !(c === BYTE_ORDER_MARK && this.chars + i === 0)) {
        throw new JsonSyntaxError(this.kept ? 'Text after the document' : 'The answer is not an object', this.chars + i);
      }
      i++;
    }
    if (this.mode === Mode.Item) this.itemParts.push(s.slice(from));
    else if (this.mode === Mode.Outside) this.kept += s.slice(from);
  }

  /**
   * One character between items; answers false when it opens an item (the
   * mode is then Item). `]` ends the array (the mode is then Outside).
   */
  private between(c: number, i: number): boolean {
    if (isSpace(c)) return true;
    if (c === COMMA && this.afterItem) {
      this.afterItem = false;
      return true;
    }
    if (c === LEFT_CURLY_BRACKET && !this.afterItem) {
      this.mode = Mode.Item;
      this.depth++;
      return false;
    }
    if (c === RIGHT_SQUARE_BRACKET && (this.afterItem || this.itemCount === 0)) {
      this.mode = Mode.Outside;
      this.depth--;
      return true;
    }
    throw new JsonSyntaxError(`Unexpected ${JSON.stringify(String.fromCharCode(c))} in the list`, this.chars + i);
  }

  /** Whether the array opening at `i` holds the document's items: the key before it names a repeated complex child. */
  private isItemArray(s: string, from: number, i: number): boolean {
    const before = this.kept.length > 64 ? this.kept.slice(-64) + s.slice(from, i) : this.kept + s.slice(from, i);
    const m = KEY_BEFORE.exec(before.length > 256 ? before.slice(-256) : before);
    if (!m) return false;
    const child = this.plan.children.get(m[1]);
    if (!child?.many || !child.plan) return false;
    this.itemKey = m[1];
    return true;
  }

  /** The item now closed: parsed, typed, stored, its text let go. */
  private item(): void {
    const text = this.itemParts.length === 1 ? this.itemParts[0] : this.itemParts.join('');
    this.itemParts = [];
    let json: JsonValue;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new JsonSyntaxError(`Not JSON: ${(e as Error).message}`, this.itemStart);
    }
    let items = this.items.get(this.itemKey);
    if (!items) this.items.set(this.itemKey, (items = []));
    items.push(this.typer.adopt(this.plan.children.get(this.itemKey)!.plan!, json, this.itemKey, undefined, this.itemStart));
    this.itemCount++;
    this.itemChars += text.length;
  }
}

/** `s.indexOf(c, from)`, or `len` when it is not there. */
function indexOr(s: string, c: string, from: number, len: number): number {
  const at = s.indexOf(c, from);
  return at < 0 ? len : at;
}
