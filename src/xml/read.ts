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
import type { ComplexType, XsdModel } from '../model/index.ts';

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
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

export interface ReadResult<T = any> {
  /** The document element's name (`vms`, `action`, ...). */
  readonly root: string;
  /** Its schema type (`VMs`, `Action`, ...). */
  readonly type: string;
  readonly value: T;
}

type Conv = 0 | 1 | 2 | 3 | 4; // text, int/long, decimal, boolean, dateTime

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
  /** Text collection: -1 = ignore text. */
  readonly conv: Conv | -1;
  text: string;
  hasChildren: boolean;
}

const plans = new WeakMap<XsdModel, Map<string, Plan>>();

function convOf(model: XsdModel, type: string): Conv {
  switch (model.scalarKind(type)) {
    case 'int': case 'long': return 1;
    case 'decimal': return 2;
    case 'boolean': return 3;
    case 'dateTime': return 4;
    default: return 0;
  }
}

function planOf(model: XsdModel, type: string): Plan {
  let byType = plans.get(model);
  if (!byType) plans.set(model, (byType = new Map()));
  const done = byType.get(type);
  if (done) return done;
  const t: ComplexType = model.type(type);
  const children = new Map<string, Child>();
  const attrs = new Map<string, Conv>();
  const first = t.elements.find((e) => e.name !== 'actions' && !model.types.has(e.type));
  const plan: Plan = {
    children, attrs,
    textConv: t.textType ? convOf(model, t.textType) : undefined,
    firstScalar: first ? { name: first.name, conv: convOf(model, first.type) } : undefined,
  };
  // Registered before its children are planned: types refer to themselves (Step.parent_step).
  byType.set(type, plan);
  for (const f of t.attributes) attrs.set(f.name, convOf(model, f.type));
  for (const f of t.elements) {
    if (children.has(f.name)) continue;
    const complex = model.types.has(f.type);
    children.set(f.name, { plan: complex ? planOf(model, f.type) : undefined, conv: complex ? 0 : convOf(model, f.type), many: f.max > 1 });
  }
  return plan;
}

const SKIP: Child = { conv: 0, many: false };
const ATTR_NAME = /^[A-Za-z_][\w.:-]*$/;

/** Reads one document; throws XmlSyntaxError or UnknownDocumentError. */
export function readDocument<T = any>(model: XsdModel, xml: string): ReadResult<T> {
  const len = xml.length;
  let i = 0;
  let root: string | undefined;
  let rootType: string | undefined;
  let result: any;
  const stack: Frame[] = [];
  let top: Frame | undefined;

  while (i < len) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      if (top) addText(top, xml, i, len);
      else if (xml.slice(i).trim()) throw new XmlSyntaxError('Text after the document element', i);
      break;
    }
    if (lt > i) {
      if (top) addText(top, xml, i, lt);
      else if (root === undefined ? xml.slice(i, lt).replace(/^\uFEFF/, '').trim() : xml.slice(i, lt).trim()) throw new XmlSyntaxError('Text outside the document element', i);
    }
    i = lt;
    const c1 = xml.charCodeAt(i + 1);
    if (c1 === 47 /* / */) {
      const frame = stack.pop();
      const n = frame ? frame.rawName.length : 0;
      let end = i + 2 + n;
      if (!frame || !xml.startsWith(frame.rawName, i + 2)) throw new XmlSyntaxError(`Mismatched end tag ${xml.slice(i, xml.indexOf('>', i) + 1)}`, i);
      while (end < len && xml.charCodeAt(end) !== 62) {
        const c = xml.charCodeAt(end);
        if (c !== 32 && c !== 10 && c !== 9 && c !== 13) throw new XmlSyntaxError(`Mismatched end tag ${xml.slice(i, xml.indexOf('>', i) + 1)}`, i);
        end++;
      }
      if (end >= len) throw new XmlSyntaxError('Unterminated end tag', i);
      close(frame);
      top = stack.length ? stack[stack.length - 1] : undefined;
      if (!top) result = frame.obj;
      i = end + 1;
      continue;
    }
    if (c1 === 63 /* ? */) {
      const end = xml.indexOf('?>', i);
      if (end < 0) throw new XmlSyntaxError('Unterminated processing instruction', i);
      i = end + 2;
      continue;
    }
    if (c1 === 33 /* ! */) {
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i + 4);
        if (end < 0) throw new XmlSyntaxError('Unterminated comment', i);
        i = end + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i + 9);
        if (end < 0) throw new XmlSyntaxError('Unterminated CDATA section', i);
        if (!top) throw new XmlSyntaxError('CDATA outside the document element', i);
        if (top.conv !== -1) top.text += xml.slice(i + 9, end);
        i = end + 3;
        continue;
      }
      throw new XmlSyntaxError('DOCTYPE and entity declarations are not accepted', i);
    }
    // Start tag: its name, then what the schema says it is.
    let j = i + 1;
    while (j < len) {
      const c = xml.charCodeAt(j);
      if (c === 32 || c === 62 || c === 47 || c === 10 || c === 9 || c === 13) break;
      j++;
    }
    const rawName = xml.slice(i + 1, j);
    if (!rawName) throw new XmlSyntaxError('Empty element name', i);
    const colon = rawName.indexOf(':');
    const local = colon >= 0 ? rawName.slice(colon + 1) : rawName;
    let child: Child;
    let parentObj: any;
    if (!top) {
      if (root !== undefined) throw new XmlSyntaxError('More than one document element', i);
      const t = model.elements.get(local);
      if (!t || !model.types.has(t)) throw new UnknownDocumentError(local);
      root = local;
      rootType = t;
      child = { plan: planOf(model, t), conv: 0, many: false };
    } else {
      top.hasChildren = true;
      const c = top.plan?.children.get(local);
      child = c && top.obj !== undefined ? c : SKIP;
      parentObj = child === SKIP ? undefined : top.obj;
    }
    const obj = child.plan && (parentObj !== undefined || !top) ? {} as any : undefined;
    const attrs = obj ? child.plan!.attrs : undefined;
    // Attributes, converted straight into the new object.
    let selfClosing = false;
    for (;;) {
      while (j < len) {
        const c = xml.charCodeAt(j);
        if (c !== 32 && c !== 10 && c !== 9 && c !== 13) break;
        j++;
      }
      if (j >= len) throw new XmlSyntaxError(`Unterminated start tag <${rawName}>`, i);
      const c = xml.charCodeAt(j);
      if (c === 62) { j++; break; }
      if (c === 47) {
        if (xml.charCodeAt(j + 1) !== 62) throw new XmlSyntaxError('Expected > after /', j);
        selfClosing = true; j += 2; break;
      }
      const eq = xml.indexOf('=', j);
      if (eq < 0) throw new XmlSyntaxError('Attribute without a value', j);
      let q = eq + 1;
      while (q < len && (xml.charCodeAt(q) === 32 || xml.charCodeAt(q) === 10 || xml.charCodeAt(q) === 9 || xml.charCodeAt(q) === 13)) q++;
      const quote = xml.charCodeAt(q);
      if (quote !== 34 && quote !== 39) throw new XmlSyntaxError('Attribute value without quotes', q);
      const endq = xml.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (endq < 0) throw new XmlSyntaxError('Unterminated attribute value', q);
      let an = xml.slice(j, eq);
      if (an.charCodeAt(an.length - 1) <= 32) an = an.trim();
      // A damaged tag (`<vm <<x href=...>`) must not pass as an element with odd attributes.
      if (!ATTR_NAME.test(an)) throw new XmlSyntaxError(`Not an attribute name: ${JSON.stringify(an.slice(0, 40))}`, j);
      if (attrs) {
        const conv = attrs.get(an);
        if (conv !== undefined) {
          const raw = xml.slice(q + 1, endq);
          obj[an] = convert(conv, raw.indexOf('&') >= 0 ? decodeEntities(raw, q) : raw, q);
        }
      }
      j = endq + 1;
    }

    // Fast path for the commonest element, `<name>text</name>`: no frame, no copy of the text.
    if (!selfClosing && !obj && top) {
      const lt2 = xml.indexOf('<', j);
      if (lt2 > 0 && xml.charCodeAt(lt2 + 1) === 47 /* / */ && xml.startsWith(rawName, lt2 + 2) && xml.charCodeAt(lt2 + 2 + rawName.length) === 62 /* > */) {
        if (parentObj !== undefined) {
          const raw = xml.slice(j, lt2);
          attach(parentObj, local, convert(child.conv, raw.indexOf('&') >= 0 ? decodeEntities(raw, j) : raw, j), child.many);
        }
        i = lt2 + rawName.length + 3;
        continue;
      }
    }
    let frame: Frame;
    if (obj) {
      if (parentObj !== undefined) attach(parentObj, local, obj, child.many);
      frame = { plan: child.plan, obj, rawName, local, parent: undefined, many: false, conv: child.plan!.textConv ?? 0, text: '', hasChildren: false };
    } else if (parentObj !== undefined) {
      frame = { plan: undefined, obj: undefined, rawName, local, parent: parentObj, many: child.many, conv: child.conv, text: '', hasChildren: false };
    } else {
      frame = { plan: undefined, obj: undefined, rawName, local, parent: undefined, many: false, conv: -1, text: '', hasChildren: false };
    }
    if (selfClosing) {
      close(frame);
      if (!top) result = frame.obj;
    } else {
      stack.push(frame);
      top = frame;
    }
    i = j;
  }
  if (stack.length) throw new XmlSyntaxError(`Unclosed element <${stack[stack.length - 1].rawName}>`, len);
  if (root === undefined) throw new XmlSyntaxError('No document element', 0);
  return { root, type: rootType!, value: result };
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
  if (f.conv === -1 || (f.plan && f.hasChildren)) return;
  const raw = xml.slice(from, to);
  f.text += raw.indexOf('&') >= 0 ? decodeEntities(raw, from) : raw;
}

function convert(conv: Conv, text: string, at: number): unknown {
  switch (conv) {
    case 0: return text;
    case 1: {
      const t = text.trim();
      if (t === '') return undefined;
      const n = Number(t);
      if (!Number.isInteger(n)) throw new XmlSyntaxError(`Not an integer: ${JSON.stringify(t.slice(0, 40))}`, at);
      return Number.isSafeInteger(n) ? n : BigInt(t);
    }
    case 2: {
      const t = text.trim();
      if (t === '') return undefined;
      const n = Number(t);
      if (Number.isNaN(n)) throw new XmlSyntaxError(`Not a number: ${JSON.stringify(t.slice(0, 40))}`, at);
      return n;
    }
    case 3: {
      const t = text.trim().toLowerCase();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      if (t === '') return undefined;
      throw new XmlSyntaxError(`Not a boolean: ${JSON.stringify(t.slice(0, 40))}`, at);
    }
    case 4: {
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
      if (!(code > 0 && code <= 0x10ffff)) throw new XmlSyntaxError(`Invalid character reference ${m}`, at);
      return String.fromCodePoint(code);
    }
    const v = NAMED[ref];
    if (v === undefined) throw new XmlSyntaxError(`Undefined entity ${m}`, at);
    return v;
  });
}
