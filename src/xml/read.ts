/**
 * Reads API documents straight into typed plain objects, in one pass, as
 * their text arrives.
 *
 * Parsing sits on the hot path of every query (a 10,000-VM list is about
 * 100 MB on API v4), so this is not a general XML parser followed by a
 * mapping step: the schema model drives the scan, each value is converted as
 * it is read (numbers are numbers, booleans booleans, xs:dateTime a Date,
 * repeated elements arrays), and elements the schema does not know are
 * skipped without building anything.
 *
 * An answer is read chunk by chunk (`DocumentStream.write`) while it
 * streams in, so no answer is ever held as one string: only what is not yet
 * complete (the tag at the end of a chunk) waits for the next chunk, and
 * nothing the objects keep refers to the text (values.ts). A list's items
 * are counted as they close, for the limits the transport holds per item.
 *
 * It accepts well-formed XML without a DTD. A DOCTYPE or entity declaration
 * is refused outright: documents from an engine never carry one, and
 * refusing is the only safe answer to entity expansion attacks.
 *
 * Tolerance for older engine generations: a complex element that carries
 * only text (`<status>UP</status>` from RHEV-M 2.2) is read as if the text
 * were its first element (`{ state: 'UP' }`).
 */
import { UnknownDocumentError, XmlSyntaxError } from './errors.ts';
import { type Attribute, type Child, type Plan, planOf, SKIP, type Store } from './plan.ts';
import type { WireSchema } from './schema.ts';
import { type Conv, convert, decodeEntities, hex4, KeptStrings, TEXT } from './values.ts';
import { forbiddenCharAt } from './write.ts';

export { UnknownDocumentError, XmlSyntaxError };

/** A document or element as the reader gives it and the writer takes it: XML names as keys, typed values. */
export type Doc = Record<string, any>;

export interface ReadResult<T = any> {
  /** The document element's name (`vms`, `action`, ...). */
  readonly root: string;
  /** Its schema type (`VMs`, `Action`, ...). */
  readonly type: string;
  readonly value: T;
}

/** A frame whose text is not kept (a skipped element, or a complex one). */
const IGNORE_TEXT = -1;

// The characters the grammar below names (XML 1.0, fifth edition).
const TAB = 0x09; // \t
const LINE_FEED = 0x0a; // \n
const CARRIAGE_RETURN = 0x0d; // \r
const SPACE = 0x20; // ' '
const EXCLAMATION = 0x21; // !
const QUOTATION_MARK = 0x22; // "
const APOSTROPHE = 0x27; // '
const SLASH = 0x2f; // /
const SEMICOLON = 0x3b; // ;
const GREATER_THAN = 0x3e; // >
const QUESTION_MARK = 0x3f; // ?

/** [3] S ::= (#x20 | #x9 | #xD | #xA)+ */
const isSpace = (c: number): boolean => c === SPACE || c === LINE_FEED || c === TAB || c === CARRIAGE_RETURN;
/** The first half of a UTF-16 surrogate pair, whose second half may be in the next chunk. */
const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

interface Frame {
  /** The plan of this element's complex type; undefined for scalars and skipped elements. */
  readonly plan: Plan | undefined;
  readonly obj: any;
  readonly rawName: string;
  readonly parent: any;
  /** How this (scalar) element's value goes into `parent`. */
  readonly store: Store;
  /** How to read this element's text, or IGNORE_TEXT. */
  readonly conv: Conv | typeof IGNORE_TEXT;
  /** A repeated element of the document element (a list's item), counted when it closes. */
  readonly item: boolean;
  text: string;
  /** Where its content begins in the document, for errors about its text. */
  readonly at: number;
  hasChildren: boolean;
}

const ATTR_NAME = /^[A-Za-z_][\w.:-]*$/;
/** The longest an entity reference can be (`&#x10FFFF;`): text cut at a chunk's end keeps an unfinished one whole. */
const LONGEST_REFERENCE = 10;

/**
 * Reads one document given whole; throws XmlSyntaxError or
 * UnknownDocumentError. A character XML 1.0 forbids (write.ts FORBIDDEN),
 * raw or as a character reference, is refused as the writer refuses it on
 * the way out: a document carrying one is not XML, and its values would
 * reach callers unreadable.
 */
export function readDocument<T = any>(model: WireSchema, xml: string): ReadResult<T> {
  return new DocumentStream<T>(model).end(xml);
}

/**
 * One document read as its text arrives: `write` each chunk, then `end`.
 * The errors are readDocument's, thrown by the call that finds them, with
 * their offset counted from the start of the document.
 */
export class DocumentStream<T = any> {
  private readonly reader: DocumentReader;
  /** Chunks that cannot complete what waits (no `waitFor` in them), joined when one can. */
  private parts: string[] = [];
  /** A high surrogate that ended the last chunk, checked with the next one. */
  private carry = '';
  private ended = false;

  constructor(model: WireSchema) {
    this.reader = new DocumentReader(model);
  }

  /** Repeated elements of the document element (a list's items) read so far. */
  get items(): number {
    return this.reader.items;
  }

  /** Characters of the document in those items: what is read beyond them is one item's, or the document's own. */
  get itemChars(): number {
    return this.reader.itemChars;
  }

  write(chunk: string): void {
    if (this.ended) throw new Error('The document has ended');
    let text = this.carry + chunk;
    this.carry = '';
    if (text.length && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      this.carry = text.slice(-1);
      text = text.slice(0, -1);
    }
    this.check(text);
    // Nothing waiting can finish without the character it waits for: the chunk is put aside, not scanned.
    if (this.reader.waitFor && text.indexOf(this.reader.waitFor) < 0) {
      this.parts.push(text);
      return;
    }
    this.parts.push(text);
    const joined = this.parts.join('');
    this.parts = [];
    this.reader.feed(joined, false);
  }

  /** The document, once its last chunk (if any) is given; throws if it is incomplete. */
  end(last = ''): ReadResult<T> {
    if (this.ended) throw new Error('The document has ended');
    const text = this.carry + last;
    this.check(text);
    this.ended = true;
    this.parts.push(text);
    const joined = this.parts.join('');
    this.parts = [];
    this.reader.feed(joined, true);
    return this.reader.result() as ReadResult<T>;
  }

  private check(text: string): void {
    const at = forbiddenCharAt(text);
    if (at >= 0) {
      const offset = this.reader.received + this.parts.reduce((n, p) => n + p.length, 0) + at;
      throw new XmlSyntaxError(`Character U+${hex4(text.charCodeAt(at))} is not allowed in XML 1.0`, offset);
    }
  }
}

/**
 * One pass over a document. The loop finds the next `<` and hands what
 * follows it to the production it starts: an end tag, a processing
 * instruction, a comment or CDATA section (a DOCTYPE is refused), or a start
 * tag. Text between tags goes to the open element, which keeps it only if it
 * is a scalar the schema knows.
 *
 * Fed in chunks, it keeps what it cannot finish yet: a start or end tag is
 * read only once a later `<` is in the text (no tag holds one, so it is then
 * whole), a comment, CDATA section or processing instruction once its end
 * is; text goes to its element as it comes, but for an entity reference
 * the chunk cut in two.
 */
class DocumentReader {
  /** The text not yet read, from `i`; `base` is where it starts in the document. */
  private xml = '';
  private i = 0;
  private base = 0;
  /** What the text must hold before reading can go on ('' when nothing waits). */
  waitFor = '';
  items = 0;
  itemChars = 0;
  /** Where the item open now began in the document, or -1. */
  private itemStart = -1;
  private root: string | undefined;
  private rootType: string | undefined;
  private value: any;
  private readonly stack: Frame[] = [];
  private top: Frame | undefined;
  private readonly strings = new KeptStrings();
  // What place() and attributes() found about the current start tag; kept in
  // fields rather than returned, as the reader must not allocate per element.
  private child: Child = SKIP;
  private parentObj: any;
  private selfClosing = false;

  constructor(private readonly model: WireSchema) {}

  /** Characters given so far, read or waiting. */
  get received(): number {
    return this.base + this.xml.length;
  }

  feed(text: string, final: boolean): void {
    this.base += this.i;
    this.xml = this.i < this.xml.length ? this.xml.slice(this.i) + text : text;
    this.i = 0;
    this.waitFor = '';
    try {
      this.scan(final);
    } catch (e) {
      // Offsets in this text are the document's offsets less what went before it.
      if (e instanceof XmlSyntaxError) throw new XmlSyntaxError(e.reason, e.position + this.base);
      throw e;
    }
  }

  result(): ReadResult {
    if (this.stack.length)
      throw new XmlSyntaxError(`Unclosed element <${this.stack[this.stack.length - 1].rawName}>`, this.base + this.xml.length);
    if (this.root === undefined) throw new XmlSyntaxError('No document element', 0);
    return { root: this.root, type: this.rootType!, value: this.value };
  }

  private scan(final: boolean): void {
    const { xml } = this;
    const len = xml.length;
    // A tag at or after the last `<` may be cut off: it waits, unless this is the end.
    const last = final ? len : xml.lastIndexOf('<');
    while (this.i < len) {
      const lt = xml.indexOf('<', this.i);
      if (lt < 0) {
        const to = final ? len : textEnd(xml, this.i, len);
        this.textUntil(to);
        this.i = to;
        if (!final) this.waitFor = '<';
        return;
      }
      this.textUntil(lt);
      this.i = lt;
      const c = xml.charCodeAt(lt + 1);
      if (!final && !this.whole(c, lt, last)) {
        this.waitFor = c === EXCLAMATION || c === QUESTION_MARK ? '>' : '<';
        return;
      }
      switch (c) {
        case SLASH:
          this.endTag();
          break;
        case QUESTION_MARK:
          this.processingInstruction();
          break;
        case EXCLAMATION:
          this.markup();
          break;
        default:
          this.startTag();
      }
    }
  }

  /**
   * Whether the markup at `lt` (`c` after its `<`) is all in the text: an end
   * tag once its `>` is, a comment, CDATA section or processing instruction
   * once its end is, and a start tag once a later `<` is (`last` is the last
   * one): no tag holds a `<`, but an attribute value may hold a `>`.
   */
  private whole(c: number, lt: number, last: number): boolean {
    const { xml } = this;
    if (c === SLASH) return xml.indexOf('>', lt) >= 0;
    if (c === EXCLAMATION || c === QUESTION_MARK) return markupWhole(xml, lt);
    return lt < last;
  }

  /** [14] CharData between tags: the open element's, or only white space (and a byte order mark first) outside the document element. */
  private textUntil(end: number): void {
    const { xml, i } = this;
    if (end <= i) return;
    if (this.top) {
      addText(this.top, xml, i, end);
      return;
    }
    const outside = this.root === undefined && this.base + i === 0 ? xml.slice(i, end).replace(/^\uFEFF/, '') : xml.slice(i, end);
    if (outside.trim())
      throw new XmlSyntaxError(this.root !== undefined ? 'Text after the document element' : 'Text outside the document element', i);
  }

  /** [42] ETag ::= '</' Name S? '>' — it must close the element open last. */
  private endTag(): void {
    const { xml, i } = this;
    const frame = this.stack.pop();
    if (!frame || !xml.startsWith(frame.rawName, i + 2)) throw mismatchedEndTag(xml, i);
    let end = i + 2 + frame.rawName.length;
    while (end < xml.length && xml.charCodeAt(end) !== GREATER_THAN) {
      if (!isSpace(xml.charCodeAt(end))) throw mismatchedEndTag(xml, i);
      end++;
    }
    if (end >= xml.length) throw new XmlSyntaxError('Unterminated end tag', i);
    close(frame, this.strings, frame.at - this.base);
    if (frame.item) this.settleItem(end + 1);
    this.top = this.stack.length ? this.stack[this.stack.length - 1] : undefined;
    if (!this.top) this.value = frame.obj;
    this.i = end + 1;
  }

  /** A list item ends at `end` (in this text): counted, with its characters. */
  private settleItem(end: number): void {
    this.items++;
    this.itemChars += this.base + end - this.itemStart;
    this.itemStart = -1;
  }

  /** [16] PI ::= '<?' PITarget (S (Char* - (Char* '?>' Char*)))? '?>' — skipped, the XML declaration included. */
  private processingInstruction(): void {
    const end = this.xml.indexOf('?>', this.i);
    if (end < 0) throw new XmlSyntaxError('Unterminated processing instruction', this.i);
    this.i = end + 2;
  }

  /**
   * [15] Comment ::= '<!--' ... '-->' (skipped) and [18] CDSect ::= '<![CDATA[' CData ']]>'
   * (text of the open element). Anything else after `<!` is a DOCTYPE or a
   * declaration, refused: the API's documents never carry one.
   */
  private markup(): void {
    const { xml, i } = this;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) throw new XmlSyntaxError('Unterminated comment', i);
      this.i = end + 3;
      return;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i + 9);
      if (end < 0) throw new XmlSyntaxError('Unterminated CDATA section', i);
      if (!this.top) throw new XmlSyntaxError('CDATA outside the document element', i);
      if (this.top.conv !== IGNORE_TEXT) this.top.text += xml.slice(i + 9, end);
      this.i = end + 3;
      return;
    }
    throw new XmlSyntaxError('DOCTYPE and entity declarations are not accepted', i);
  }

  /**
   * [40] STag ::= '<' Name (S Attribute)* S? '>' and [44] EmptyElemTag ::= '<' Name (S Attribute)* S? '/>'.
   * What the schema says the element is decides what is built: an object for
   * a complex type, a value for a scalar, nothing for an element it does not
   * know (skipped whole).
   */
  private startTag(): void {
    const { xml, i } = this;
    let j = i + 1;
    while (j < xml.length) {
      const c = xml.charCodeAt(j);
      if (isSpace(c) || c === GREATER_THAN || c === SLASH) break;
      j++;
    }
    const rawName = xml.slice(i + 1, j);
    if (!rawName) throw new XmlSyntaxError('Empty element name', i);
    const colon = rawName.indexOf(':');
    const local = colon >= 0 ? rawName.slice(colon + 1) : rawName;
    this.place(local);
    const { child, parentObj } = this;
    let obj = child.plan && (parentObj !== undefined || !this.top) ? child.plan.create() : undefined;
    const end = this.attributes(j, rawName, obj, obj ? child.plan!.attrs : undefined);
    if (obj && typeof obj.href === 'string') obj = this.withHref(obj, local);
    if (!this.selfClosing && !obj && this.top && this.simpleElement(end, rawName, child, parentObj)) return;
    const item = this.stack.length === 1 && child.many && obj !== undefined;
    if (item) this.itemStart = this.base + i;
    this.open(child, obj, parentObj, rawName, end);
    if (item && this.selfClosing) this.settleItem(end);
    this.i = end;
  }

  /** The object with its href as it is kept (values.ts): a link's joined from its resource's href and its rel, others held once. */
  private withHref(obj: any, local: string): object {
    if (local === 'link' && typeof obj.rel === 'string') {
      let owner: string | undefined;
      for (let k = this.stack.length - 1; k >= 0 && owner === undefined; k--) owner = this.stack[k].obj?.href;
      obj.href = this.strings.linkHref(obj.href, owner, obj.rel);
    } else {
      obj.href = this.strings.keep(obj.href);
    }
    return obj;
  }

  /** What the element is: the document element (which must be one the schema knows), a child the parent's type declares, or something to skip. */
  private place(local: string): void {
    const { top, model } = this;
    if (!top) {
      if (this.root !== undefined) throw new XmlSyntaxError('More than one document element', this.i);
      const t = model.elements.get(local);
      if (!t || !model.types.has(t)) throw new UnknownDocumentError(local);
      this.root = local;
      this.rootType = t;
      this.child = { ...SKIP, plan: planOf(model, t) };
      this.parentObj = undefined;
      return;
    }
    top.hasChildren = true;
    const c = top.plan?.children.get(local);
    this.child = c && top.obj !== undefined ? c : SKIP;
    this.parentObj = this.child === SKIP ? undefined : top.obj;
  }

  /**
   * [41] Attribute ::= Name Eq AttValue; [10] AttValue ::= '"' ... '"' | "'" ... "'".
   * Values of attributes the type declares are converted into `obj`; the
   * rest are checked and skipped. Answers where the tag ends; `selfClosing`
   * says whether it closed itself (`/>`).
   */
  private attributes(from: number, rawName: string, obj: any, declared: Map<string, Attribute> | undefined): number {
    const { xml } = this;
    const len = xml.length;
    let j = from;
    for (;;) {
      while (j < len && isSpace(xml.charCodeAt(j))) j++;
      if (j >= len) throw new XmlSyntaxError(`Unterminated start tag <${rawName}>`, this.i);
      const c = xml.charCodeAt(j);
      if (c === GREATER_THAN) {
        this.selfClosing = false;
        return j + 1;
      }
      if (c === SLASH) {
        if (xml.charCodeAt(j + 1) !== GREATER_THAN) throw new XmlSyntaxError('Expected > after /', j);
        this.selfClosing = true;
        return j + 2;
      }
      const eq = xml.indexOf('=', j);
      if (eq < 0) throw new XmlSyntaxError('Attribute without a value', j);
      let q = eq + 1;
      while (q < len && isSpace(xml.charCodeAt(q))) q++;
      const quote = xml.charCodeAt(q);
      if (quote !== QUOTATION_MARK && quote !== APOSTROPHE) throw new XmlSyntaxError('Attribute value without quotes', q);
      const endq = xml.indexOf(quote === QUOTATION_MARK ? '"' : "'", q + 1);
      if (endq < 0) throw new XmlSyntaxError('Unterminated attribute value', q);
      let name = xml.slice(j, eq);
      if (name.charCodeAt(name.length - 1) <= SPACE) name = name.trim();
      // A damaged tag (`<vm <<x href=...>`) must not pass as an element with odd attributes.
      if (!ATTR_NAME.test(name)) throw new XmlSyntaxError(`Not an attribute name: ${JSON.stringify(name.slice(0, 40))}`, j);
      const attribute = declared?.get(name);
      if (attribute !== undefined) {
        let raw = xml.slice(q + 1, endq);
        if (raw.indexOf('&') >= 0) raw = decodeEntities(raw, q);
        // An href is kept by startTag, which knows whether it is a link's.
        attribute.store(obj, name === 'href' ? raw : convert(attribute.conv, raw, q, this.strings));
      }
      j = endq + 1;
    }
  }

  /**
   * The commonest element, `<name>text</name>`, read without a frame or a
   * copy of its text. Answers false when the element is anything else.
   */
  private simpleElement(from: number, rawName: string, child: Child, parentObj: any): boolean {
    const { xml } = this;
    const lt = xml.indexOf('<', from);
    if (
      lt <= 0 ||
      xml.charCodeAt(lt + 1) !== SLASH ||
      !xml.startsWith(rawName, lt + 2) ||
      xml.charCodeAt(lt + 2 + rawName.length) !== GREATER_THAN
    )
      return false;
    if (parentObj !== undefined) {
      const raw = xml.slice(from, lt);
      child.store(parentObj, convert(child.conv, raw.indexOf('&') >= 0 ? decodeEntities(raw, from) : raw, from, this.strings));
    }
    this.i = lt + rawName.length + 3;
    return true;
  }

  /** Opens the element's frame (or closes it at once for `/>`). */
  private open(child: Child, obj: any, parentObj: any, rawName: string, contentAt: number): void {
    const at = this.base + contentAt;
    let frame: Frame;
    if (obj) {
      if (parentObj !== undefined) child.store(parentObj, obj);
      frame = {
        plan: child.plan,
        obj,
        rawName,
        parent: undefined,
        store: child.store,
        conv: child.plan!.textConv ?? TEXT,
        item: this.stack.length === 1 && child.many,
        text: '',
        at,
        hasChildren: false,
      };
    } else if (parentObj !== undefined) {
      frame = {
        plan: undefined,
        obj: undefined,
        rawName,
        parent: parentObj,
        store: child.store,
        conv: child.conv,
        item: false,
        text: '',
        at,
        hasChildren: false,
      };
    } else {
      frame = {
        plan: undefined,
        obj: undefined,
        rawName,
        parent: undefined,
        store: SKIP.store,
        conv: IGNORE_TEXT,
        item: false,
        text: '',
        at,
        hasChildren: false,
      };
    }
    if (this.selfClosing) {
      close(frame, this.strings, contentAt);
      if (!this.top) this.value = frame.obj;
    } else {
      this.stack.push(frame);
      this.top = frame;
    }
  }
}

function mismatchedEndTag(xml: string, at: number): XmlSyntaxError {
  return new XmlSyntaxError(`Mismatched end tag ${xml.slice(at, xml.indexOf('>', at) + 1)}`, at);
}

/** Whether the comment, CDATA section or processing instruction at `lt` ends in `xml` (a declaration is refused whole). */
function markupWhole(xml: string, lt: number): boolean {
  if (xml.charCodeAt(lt + 1) === QUESTION_MARK) return xml.indexOf('?>', lt + 2) >= 0;
  if (xml.length < lt + 9) return false; // not yet known which it is
  if (xml.startsWith('<!--', lt)) return xml.indexOf('-->', lt + 4) >= 0;
  if (xml.startsWith('<![CDATA[', lt)) return xml.indexOf(']]>', lt + 9) >= 0;
  return true;
}

/** Where text cut at a chunk's end may stop: before an entity reference the cut left unfinished. */
function textEnd(xml: string, from: number, len: number): number {
  const amp = xml.lastIndexOf('&', len - 1);
  if (amp < from || amp < len - LONGEST_REFERENCE) return len;
  for (let k = amp + 1; k < len; k++) if (xml.charCodeAt(k) === SEMICOLON) return len;
  return amp;
}

/** Ends an element: its text becomes its value; `at` is where the text began (for errors, in the text being read). */
function close(f: Frame, strings: KeptStrings, at: number): void {
  if (f.plan) {
    const t = f.text.trim();
    if (!t) return;
    if (f.plan.textConv !== undefined) f.obj.$value = convert(f.plan.textConv, t, at, strings);
    // Older engines: `<status>UP</status>` for `<status><state>UP</state></status>`.
    else if (!f.hasChildren && f.plan.firstScalar) f.obj[f.plan.firstScalar.name] = convert(f.plan.firstScalar.conv, t, at, strings);
    return;
  }
  if (f.parent !== undefined) f.store(f.parent, convert(f.conv as Conv, f.text, at, strings));
}

function addText(f: Frame, xml: string, from: number, to: number): void {
  // Complex elements keep text only until their first child (for old-style statuses).
  if (f.conv === IGNORE_TEXT || (f.plan && f.hasChildren)) return;
  const raw = xml.slice(from, to);
  f.text += raw.indexOf('&') >= 0 ? decodeEntities(raw, from) : raw;
}
