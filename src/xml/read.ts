/**
 * Reads API documents straight into typed plain objects, in one pass.
 *
 * Parsing sits on the hot path of every query (a 10,000-VM list is about
 * 16 MB), so this is not a general XML parser followed by a mapping step: the
 * schema model drives the scan, each value is converted as it is read
 * (numbers are numbers, booleans booleans, xs:dateTime a Date, repeated
 * elements arrays), and elements the schema does not know are skipped
 * without building anything.
 *
 * It accepts well-formed XML without a DTD. A DOCTYPE or entity declaration
 * is refused outright: documents from an engine never carry one, and
 * refusing is the only safe answer to entity expansion attacks.
 *
 * Tolerance for older engine generations: a complex element that carries
 * only text (`<status>UP</status>` from RHEV-M 2.2) is read as if the text
 * were its first element (`{ state: 'UP' }`).
 */
import type { WireSchema, WireType } from './schema.ts';
import { forbiddenCharAt } from './write.ts';

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at offset ${position}`);
    this.name = 'XmlSyntaxError';
  }
}

export class UnknownDocumentError extends Error {
  constructor(readonly element: string) {
    super(`Unknown document element <${element}>`);
    this.name = 'UnknownDocumentError';
  }
}

/** A document or element as the reader gives it and the writer takes it: XML names as keys, typed values. */
export type Doc = Record<string, any>;

export interface ReadResult<T = any> {
  /** The document element's name (`vms`, `action`, ...). */
  readonly root: string;
  /** Its schema type (`VMs`, `Action`, ...). */
  readonly type: string;
  readonly value: T;
}

/**
 * How a scalar's text becomes a value: kept as text, an integer (xs:int,
 * xs:long; a BigInt beyond 2^53), a decimal, a boolean, or a Date.
 */
const TEXT = 0;
const INTEGER = 1;
const DECIMAL = 2;
const BOOLEAN = 3;
const DATE_TIME = 4;
type Conv = typeof TEXT | typeof INTEGER | typeof DECIMAL | typeof BOOLEAN | typeof DATE_TIME;
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
const GREATER_THAN = 0x3e; // >
const QUESTION_MARK = 0x3f; // ?

/** [3] S ::= (#x20 | #x9 | #xD | #xA)+ */
const isSpace = (c: number): boolean => c === SPACE || c === LINE_FEED || c === TAB || c === CARRIAGE_RETURN;

/** What the reader needs of one complex type, looked up once per type. */
interface Plan {
  readonly children: Map<string, Child>;
  readonly attrs: Map<string, Conv>;
  /** simpleContent: the conversion of the element's text. */
  readonly textConv?: Conv;
  /** For `<status>UP</status>`: the first scalar element, which receives such text. */
  readonly firstScalar?: { readonly name: string; readonly conv: Conv };
}

interface Child {
  /** Set for complex children; scalar children use `conv`. */
  readonly plan?: Plan;
  readonly conv: Conv;
  readonly many: boolean;
}

interface Frame {
  /** The plan of this element's complex type; undefined for scalars and skipped elements. */
  readonly plan: Plan | undefined;
  readonly obj: any;
  readonly rawName: string;
  readonly local: string;
  readonly parent: any;
  readonly many: boolean;
  /** How to read this element's text, or IGNORE_TEXT. */
  readonly conv: Conv | typeof IGNORE_TEXT;
  text: string;
  hasChildren: boolean;
}

const plans = new WeakMap<WireSchema, Map<string, Plan>>();

function convOf(model: WireSchema, type: string): Conv {
  switch (model.scalarKind(type)) {
    case 'int':
    case 'long':
      return INTEGER;
    case 'decimal':
      return DECIMAL;
    case 'boolean':
      return BOOLEAN;
    case 'dateTime':
      return DATE_TIME;
    default:
      return TEXT;
  }
}

function planOf(model: WireSchema, type: string): Plan {
  let byType = plans.get(model);
  if (!byType) plans.set(model, (byType = new Map()));
  const done = byType.get(type);
  if (done) return done;
  const t: WireType = model.type(type);
  const children = new Map<string, Child>();
  const attrs = new Map<string, Conv>();
  const first = t.elements.find((e) => e.name !== 'actions' && !model.types.has(e.type));
  const plan: Plan = {
    children,
    attrs,
    textConv: t.textType ? convOf(model, t.textType) : undefined,
    firstScalar: first ? { name: first.name, conv: convOf(model, first.type) } : undefined,
  };
  // Registered before its children are planned: types refer to themselves (Step.parent_step).
  byType.set(type, plan);
  for (const f of t.attributes) attrs.set(f.name, convOf(model, f.type));
  for (const f of t.elements) {
    if (children.has(f.name)) continue;
    const complex = model.types.has(f.type);
    children.set(f.name, {
      plan: complex ? planOf(model, f.type) : undefined,
      conv: complex ? TEXT : convOf(model, f.type),
      many: f.max > 1,
    });
  }
  return plan;
}

const SKIP: Child = { conv: TEXT, many: false };
const ATTR_NAME = /^[A-Za-z_][\w.:-]*$/;

/**
 * Reads one document; throws XmlSyntaxError or UnknownDocumentError. A
 * character XML 1.0 forbids (write.ts FORBIDDEN), raw or as a character
 * reference, is refused as the writer refuses it on the way out: a document
 * carrying one is not XML, and its values would reach callers unreadable.
 */
export function readDocument<T = any>(model: WireSchema, xml: string): ReadResult<T> {
  const at = forbiddenCharAt(xml);
  if (at >= 0) throw new XmlSyntaxError(`Character U+${hex4(xml.charCodeAt(at))} is not allowed in XML 1.0`, at);
  return new DocumentReader(model, xml).read() as ReadResult<T>;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** XML 1.0 §2.2 Char, for a character reference's code point. */
function isXmlChar(code: number): boolean {
  if (code < 0x20) return code === 0x9 || code === 0xa || code === 0xd;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return code !== 0xfffe && code !== 0xffff && code <= 0x10ffff;
}

/**
 * One pass over a document. The loop finds the next `<` and hands what
 * follows it to the production it starts: an end tag, a processing
 * instruction, a comment or CDATA section (a DOCTYPE is refused), or a start
 * tag. Text between tags goes to the open element, which keeps it only if it
 * is a scalar the schema knows.
 */
class DocumentReader {
  private i = 0;
  private root: string | undefined;
  private rootType: string | undefined;
  private result: any;
  private readonly stack: Frame[] = [];
  private top: Frame | undefined;
  // What place() and attributes() found about the current start tag; kept in
  // fields rather than returned, as the reader must not allocate per element.
  private child: Child = SKIP;
  private parentObj: any;
  private selfClosing = false;

  constructor(
    private readonly model: WireSchema,
    private readonly xml: string,
  ) {}

  read(): ReadResult {
    const { xml } = this;
    const len = xml.length;
    while (this.i < len) {
      const lt = xml.indexOf('<', this.i);
      this.textUntil(lt < 0 ? len : lt);
      if (lt < 0) break;
      this.i = lt;
      switch (xml.charCodeAt(lt + 1)) {
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
    if (this.stack.length) throw new XmlSyntaxError(`Unclosed element <${this.stack[this.stack.length - 1].rawName}>`, len);
    if (this.root === undefined) throw new XmlSyntaxError('No document element', 0);
    return { root: this.root, type: this.rootType!, value: this.result };
  }

  /** [14] CharData between tags: the open element's, or only white space (and a byte order mark first) outside the document element. */
  private textUntil(end: number): void {
    const { xml, i } = this;
    if (end <= i) return;
    if (this.top) {
      addText(this.top, xml, i, end);
      return;
    }
    const outside = this.root === undefined ? xml.slice(i, end).replace(/^\uFEFF/, '') : xml.slice(i, end);
    if (outside.trim())
      throw new XmlSyntaxError(end === xml.length ? 'Text after the document element' : 'Text outside the document element', i);
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
    close(frame);
    this.top = this.stack.length ? this.stack[this.stack.length - 1] : undefined;
    if (!this.top) this.result = frame.obj;
    this.i = end + 1;
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
    const obj = child.plan && (parentObj !== undefined || !this.top) ? ({} as any) : undefined;
    const end = this.attributes(j, rawName, obj, obj ? child.plan!.attrs : undefined);
    if (!this.selfClosing && !obj && this.top && this.simpleElement(end, rawName, local, child, parentObj)) return;
    this.open(child, obj, parentObj, rawName, local);
    this.i = end;
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
      this.child = { plan: planOf(model, t), conv: TEXT, many: false };
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
  private attributes(from: number, rawName: string, obj: any, declared: Map<string, Conv> | undefined): number {
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
      const conv = declared?.get(name);
      if (conv !== undefined) {
        const raw = xml.slice(q + 1, endq);
        obj[name] = convert(conv, raw.indexOf('&') >= 0 ? decodeEntities(raw, q) : raw, q);
      }
      j = endq + 1;
    }
  }

  /**
   * The commonest element, `<name>text</name>`, read without a frame or a
   * copy of its text. Answers false when the element is anything else.
   */
  private simpleElement(from: number, rawName: string, local: string, child: Child, parentObj: any): boolean {
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
      attach(parentObj, local, convert(child.conv, raw.indexOf('&') >= 0 ? decodeEntities(raw, from) : raw, from), child.many);
    }
    this.i = lt + rawName.length + 3;
    return true;
  }

  /** Opens the element's frame (or closes it at once for `/>`). */
  private open(child: Child, obj: any, parentObj: any, rawName: string, local: string): void {
    let frame: Frame;
    if (obj) {
      if (parentObj !== undefined) attach(parentObj, local, obj, child.many);
      frame = {
        plan: child.plan,
        obj,
        rawName,
        local,
        parent: undefined,
        many: false,
        conv: child.plan!.textConv ?? TEXT,
        text: '',
        hasChildren: false,
      };
    } else if (parentObj !== undefined) {
      frame = {
        plan: undefined,
        obj: undefined,
        rawName,
        local,
        parent: parentObj,
        many: child.many,
        conv: child.conv,
        text: '',
        hasChildren: false,
      };
    } else {
      frame = {
        plan: undefined,
        obj: undefined,
        rawName,
        local,
        parent: undefined,
        many: false,
        conv: IGNORE_TEXT,
        text: '',
        hasChildren: false,
      };
    }
    if (this.selfClosing) {
      close(frame);
      if (!this.top) this.result = frame.obj;
    } else {
      this.stack.push(frame);
      this.top = frame;
    }
  }
}

function mismatchedEndTag(xml: string, at: number): XmlSyntaxError {
  return new XmlSyntaxError(`Mismatched end tag ${xml.slice(at, xml.indexOf('>', at) + 1)}`, at);
}

function close(f: Frame): void {
  if (f.plan) {
    const t = f.text.trim();
    if (!t) return;
    if (f.plan.textConv !== undefined) f.obj.$value = convert(f.plan.textConv, t, 0);
    // Older engines: `<status>UP</status>` for `<status><state>UP</state></status>`.
    else if (!f.hasChildren && f.plan.firstScalar) f.obj[f.plan.firstScalar.name] = convert(f.plan.firstScalar.conv, t, 0);
    return;
  }
  if (f.parent !== undefined) attach(f.parent, f.local, convert(f.conv as Conv, f.text, 0), f.many);
}

function attach(parent: any, name: string, value: unknown, many: boolean): void {
  if (many) (parent[name] ??= []).push(value);
  else parent[name] = value;
}

function addText(f: Frame, xml: string, from: number, to: number): void {
  // Complex elements keep text only until their first child (for old-style statuses).
  if (f.conv === IGNORE_TEXT || (f.plan && f.hasChildren)) return;
  const raw = xml.slice(from, to);
  f.text += raw.indexOf('&') >= 0 ? decodeEntities(raw, from) : raw;
}

function convert(conv: Conv, text: string, at: number): unknown {
  switch (conv) {
    case TEXT:
      return text;
    case INTEGER: {
      const t = text.trim();
      if (t === '') return undefined;
      const n = Number(t);
      if (!Number.isInteger(n)) throw new XmlSyntaxError(`Not an integer: ${JSON.stringify(t.slice(0, 40))}`, at);
      return Number.isSafeInteger(n) ? n : BigInt(t);
    }
    case DECIMAL: {
      const t = text.trim();
      if (t === '') return undefined;
      const n = Number(t);
      if (Number.isNaN(n)) throw new XmlSyntaxError(`Not a number: ${JSON.stringify(t.slice(0, 40))}`, at);
      return n;
    }
    case BOOLEAN: {
      const t = text.trim().toLowerCase();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      if (t === '') return undefined;
      throw new XmlSyntaxError(`Not a boolean: ${JSON.stringify(t.slice(0, 40))}`, at);
    }
    case DATE_TIME: {
      const t = text.trim();
      if (t === '') return undefined;
      const d = new Date(t);
      if (Number.isNaN(d.getTime())) throw new XmlSyntaxError(`Not a date and time: ${JSON.stringify(t.slice(0, 40))}`, at);
      return d;
    }
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string, at: number): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (m, ref: string | undefined) => {
    if (!ref) throw new XmlSyntaxError('Bare & in text', at);
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) throw new XmlSyntaxError(`Invalid character reference ${m}: not a character XML 1.0 allows`, at);
      return String.fromCodePoint(code);
    }
    const v = NAMED[ref];
    if (v === undefined) throw new XmlSyntaxError(`Undefined entity ${m}`, at);
    return v;
  });
}
