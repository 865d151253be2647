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

interface Frame {
  /** The complex type of this element, or undefined for a scalar or a skipped element. */
  readonly type: ComplexType | undefined;
  readonly obj: any;
  readonly name: string;
  readonly parent: any;
  readonly many: boolean;
  /** Text collection: -1 = ignore text. */
  readonly conv: Conv | -1;
  text: string;
  hasChildren: boolean;
}

const convCache = new WeakMap<XsdModel, Map<string, Conv>>();

function convOf(model: XsdModel, type: string): Conv {
  let m = convCache.get(model);
  if (!m) convCache.set(model, (m = new Map()));
  let c = m.get(type);
  if (c === undefined) {
    switch (model.scalarKind(type)) {
      case 'int': case 'long': c = 1; break;
      case 'decimal': c = 2; break;
      case 'boolean': c = 3; break;
      case 'dateTime': c = 4; break;
      default: c = 0;
    }
    m.set(type, c);
  }
  return c;
}

/** Reads one document; throws XmlSyntaxError or UnknownDocumentError. */
export function readDocument<T = any>(model: XsdModel, xml: string): ReadResult<T> {
  const len = xml.length;
  let i = 0;
  let root: string | undefined;
  let rootType: string | undefined;
  let result: any;
  const stack: Frame[] = [];

  while (i < len) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      if (stack.length) addText(stack[stack.length - 1], xml, i, len);
      else if (xml.slice(i).trim()) throw new XmlSyntaxError('Text after the document element', i);
      break;
    }
    if (lt > i) {
      if (stack.length) addText(stack[stack.length - 1], xml, i, lt);
      else if (root === undefined ? xml.slice(i, lt).replace(/^\uFEFF/, '').trim() : xml.slice(i, lt).trim()) throw new XmlSyntaxError('Text outside the document element', i);
    }
    i = lt;
    const c1 = xml.charCodeAt(i + 1);
    if (c1 === 47 /* / */) {
      const gt = xml.indexOf('>', i);
      if (gt < 0) throw new XmlSyntaxError('Unterminated end tag', i);
      const name = xml.slice(i + 2, gt).trim();
      const frame = stack.pop();
      if (!frame || frame.name !== name) throw new XmlSyntaxError(`Mismatched end tag </${name}>`, i);
      close(model, frame);
      if (!stack.length) result = frame.obj;
      i = gt + 1;
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
        if (!stack.length) throw new XmlSyntaxError('CDATA outside the document element', i);
        const f = stack[stack.length - 1];
        if (f.conv !== -1) f.text += xml.slice(i + 9, end);
        i = end + 3;
        continue;
      }
      throw new XmlSyntaxError('DOCTYPE and entity declarations are not accepted', i);
    }
    // Start tag.
    let j = i + 1;
    while (j < len) {
      const c = xml.charCodeAt(j);
      if (c === 32 || c === 62 || c === 47 || c === 10 || c === 9 || c === 13) break;
      j++;
    }
    const rawName = xml.slice(i + 1, j);
    if (!rawName) throw new XmlSyntaxError('Empty element name', i);
    const colon = rawName.indexOf(':');
    const name = colon >= 0 ? rawName.slice(colon + 1) : rawName;
    // Attributes.
    let attrs: [string, string][] | undefined;
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
      const an = xml.slice(j, eq).trim();
      let q = eq + 1;
      while (q < len && (xml.charCodeAt(q) === 32 || xml.charCodeAt(q) === 10 || xml.charCodeAt(q) === 9 || xml.charCodeAt(q) === 13)) q++;
      const quote = xml.charCodeAt(q);
      if (quote !== 34 && quote !== 39) throw new XmlSyntaxError('Attribute value without quotes', q);
      const endq = xml.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (endq < 0) throw new XmlSyntaxError('Unterminated attribute value', q);
      const raw = xml.slice(q + 1, endq);
      (attrs ??= []).push([an, raw.indexOf('&') >= 0 ? decodeEntities(raw, q) : raw]);
      j = endq + 1;
    }

    let frame: Frame;
    if (!stack.length) {
      if (root !== undefined) throw new XmlSyntaxError('More than one document element', i);
      const t = model.elements.get(name);
      if (!t || !model.types.has(t)) throw new UnknownDocumentError(name);
      root = name;
      rootType = t;
      frame = open(model, rawName, model.type(t), undefined, false, attrs);
    } else {
      const parent = stack[stack.length - 1];
      parent.hasChildren = true;
      const f = parent.type?.field.get(name);
      if (!f || f.kind !== 'element' || parent.obj === undefined) {
        frame = { type: undefined, obj: undefined, name: rawName, parent: undefined, many: false, conv: -1, text: '', hasChildren: false };
      } else if (model.types.has(f.type)) {
        frame = open(model, rawName, model.type(f.type), parent.obj, f.max > 1, attrs);
        attach(parent.obj, name, frame.obj, f.max > 1);
      } else {
        frame = { type: undefined, obj: undefined, name: rawName, parent: parent.obj, many: f.max > 1, conv: convOf(model, f.type), text: '', hasChildren: false };
      }
    }
    if (selfClosing) {
      close(model, frame);
      if (!stack.length) result = frame.obj;
    } else {
      stack.push(frame);
    }
    i = j;
  }
  if (stack.length) throw new XmlSyntaxError(`Unclosed element <${stack[stack.length - 1].name}>`, len);
  if (root === undefined) throw new XmlSyntaxError('No document element', 0);
  return { root, type: rootType!, value: result };
}

function open(model: XsdModel, name: string, type: ComplexType, parent: any, many: boolean, attrs: [string, string][] | undefined): Frame {
  const obj: any = {};
  if (attrs) {
    for (const [an, av] of attrs) {
      const f = type.field.get(an);
      if (f && f.kind === 'attribute') obj[an] = convert(convOf(model, f.type), av, 0);
    }
  }
  return { type, obj, name, parent, many, conv: type.textType ? convOf(model, type.textType) : 0, text: '', hasChildren: false };
}

function close(model: XsdModel, f: Frame): void {
  if (f.type) {
    if (f.type.textType) {
      const t = f.text.trim();
      if (t) f.obj.$value = convert(f.conv as Conv, t, 0);
    } else if (!f.hasChildren) {
      // Older engines: `<status>UP</status>` for `<status><state>UP</state></status>`.
      const t = f.text.trim();
      const first = f.type.elements.find((e) => e.name !== 'actions' && !model.types.has(e.type));
      if (t && first) f.obj[first.name] = convert(convOf(model, first.type), t, 0);
    }
    return;
  }
  if (f.parent !== undefined) {
    const local = f.name.indexOf(':') >= 0 ? f.name.slice(f.name.indexOf(':') + 1) : f.name;
    attach(f.parent, local, convert(f.conv as Conv, f.text, 0), f.many);
  }
}

function attach(parent: any, name: string, value: unknown, many: boolean): void {
  if (many) (parent[name] ??= []).push(value);
  else parent[name] = value;
}

function addText(f: Frame, xml: string, from: number, to: number): void {
  if (f.conv === -1) return;
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
