/**
 * Writes plain objects as XML documents of the API, in the order the schema
 * demands.
 *
 * An object's keys are the XML names of its type's fields (`data_center`,
 * `href`); the schema says which are attributes and in which order elements
 * go, so callers never think about either. Keys the type does not know are
 * not written, which lets callers keep private bookkeeping (by convention
 * prefixed with `_`) on the same objects. Arrays are repeated elements; a
 * simpleContent value (text with attributes) keeps its text under `$value`.
 *
 * Hrefs are stored relative to the API root (`vms/123`); the writer prefixes
 * them with the root the request came in on (`/api` or `/ovirt-engine/api`),
 * so one stored object serves both.
 */
import { PerType, type ScalarKind, type WireSchema, type WireType } from './schema.ts';

export interface WriteOptions {
  /** Prefix for relative hrefs, such as `/api`. Absent: hrefs are written as stored. */
  readonly hrefBase?: string;
  /** Prepend `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`. */
  readonly declaration?: boolean;
  /** Indent nested elements (for files people read and diff; off on the wire). */
  readonly pretty?: boolean;
}

interface Plan {
  readonly attributes: readonly Step[];
  readonly elements: readonly Step[];
  readonly textKind?: Kind;
}

interface Step {
  readonly name: string;
  readonly open: string;
  readonly close: string;
  readonly kind: Kind;
  /** For complex elements. */
  readonly type?: string;
}

type Kind = 'text' | 'number' | 'boolean' | 'date' | 'complex' | 'href';

/** How each kind of schema value is written in XML: all of them as text, numbers in xs:decimal's form. */
const KIND_OF: Readonly<Record<ScalarKind, Kind>> = {
  string: 'text',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  decimal: 'number',
  dateTime: 'date',
};

const plans = new PerType<Plan>();

function planOf(model: WireSchema, typeName: string): Plan {
  return plans.of(model, typeName, () => makePlan(model, typeName));
}

function makePlan(model: WireSchema, typeName: string): Plan {
  const t: WireType = model.type(typeName);
  const kindOf = (type: string): Kind => (model.types.has(type) ? 'complex' : KIND_OF[model.scalarKind(type)]);
  return {
    attributes: t.attributes.map((f) => ({
      name: f.name,
      open: ` ${f.name}="`,
      close: '"',
      kind: f.name === 'href' ? 'href' : kindOf(f.type),
    })),
    elements: t.elements.map((f) => ({ name: f.name, open: `<${f.name}`, close: `</${f.name}>`, kind: kindOf(f.type), type: f.type })),
    textKind: t.textType ? kindOf(t.textType) : undefined,
  };
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/** Writes `value` as the document element `root` (a global element of the schema). */
export function writeDocument(model: WireSchema, root: string, value: object, options: WriteOptions = {}): string {
  const type = model.elements.get(root);
  if (!type || !model.types.has(type)) throw new Error(`The schema has no document element ${root}`);
  const w = new Writer(model, options.hrefBase, options.pretty ? '\n' : undefined);
  const body = w.element(`<${root}`, `</${root}>`, type, value);
  return options.declaration ? `${DECLARATION}\n${body}` : body;
}

/**
 * A list document (`<vms>` of `<vm>`s) in pieces, for an answer written as
 * it is sent: the opening, then each item as it is taken from `items` (so a
 * caller may make each one only then), then the closing. Joined, the pieces
 * are what writeDocument writes for `{ [item]: [...items] }`.
 */
export function* writeListPieces(
  model: WireSchema,
  root: string,
  item: string,
  items: Iterable<object>,
  options: WriteOptions = {},
): Generator<string> {
  const type = model.elements.get(root);
  if (!type || !model.types.has(type)) throw new Error(`The schema has no document element ${root}`);
  const step = planOf(model, type).elements.find((e) => e.name === item && e.kind === 'complex');
  if (!step) throw new Error(`<${root}> has no <${item}> items`);
  const w = new Writer(model, options.hrefBase);
  const declaration = options.declaration ? `${DECLARATION}\n` : '';
  let opened = false;
  for (const v of items) {
    if (v === undefined || v === null) continue;
    const piece = w.element(step.open, step.close, step.type!, v);
    if (!opened) {
      opened = true;
      yield `${declaration}<${root}>${piece}`;
    } else {
      yield piece;
    }
  }
  yield opened ? `</${root}>` : `${declaration}<${root}/>`;
}

class Writer {
  /** `indent` is the newline plus indentation of the current depth when pretty-printing. */
  constructor(
    private readonly model: WireSchema,
    private readonly hrefBase: string | undefined,
    private indent?: string,
  ) {}

  element(open: string, close: string, type: string, value: any): string {
    const outer = this.indent;
    if (outer !== undefined) this.indent = `${outer}  `;
    const plan = planOf(this.model, type);
    let s = open;
    for (const a of plan.attributes) {
      const v = value[a.name];
      if (v === undefined || v === null) continue;
      s += a.open + (a.kind === 'href' ? escapeAttr(this.href(String(v))) : escapeAttr(scalar(v, a.kind))) + a.close;
    }
    let inner = '';
    if (plan.textKind) {
      const text = typeof value === 'object' ? value.$value : value;
      if (text !== undefined && text !== null) inner = escapeText(scalar(text, plan.textKind));
    } else {
      for (const e of plan.elements) {
        const v = value[e.name];
        // A function is a bound resource's method standing where an inlined collection was (rhev/bound.ts).
        if (v === undefined || v === null || typeof v === 'function') continue;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) inner += this.child(e, v[i]);
        } else {
          inner += this.child(e, v);
        }
      }
    }
    this.indent = outer;
    if (inner === '') return `${s}/>`;
    // Only element content is indented; text content stays on its line.
    return outer !== undefined && !plan.textKind ? `${s}>${inner}${outer}${close}` : `${s}>${inner}${close}`;
  }

  private child(e: Step, v: any): string {
    if (v === undefined || v === null) return '';
    const lead = this.indent ?? '';
    if (e.kind === 'complex') return lead + this.element(e.open, e.close, e.type!, v);
    const text = scalar(v, e.kind);
    return lead + (text === '' ? `${e.open}/>` : `${e.open}>${escapeText(text)}${e.close}`);
  }

  private href(h: string): string {
    return hrefBelow(this.hrefBase, h);
  }
}

/**
 * A stored href as it is written below the API root the request came in on
 * (`vms/123` below `/api`); absolute ones (`/...`, `?...`, a URL) and any
 * href without a root to go below stay as they are.
 */
export function hrefBelow(base: string | undefined, h: string): string {
  if (base === undefined || h === '' || h.charCodeAt(0) === 47 /* / */ || h.charCodeAt(0) === 63 /* ? */ || h.includes('://')) return h;
  return `${base}/${h}`;
}

function scalar(v: unknown, kind: Kind): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return formatNumber(v);
    default:
      if (v instanceof Date) return v.toISOString();
      return kind === 'complex' ? '' : String(v);
  }
}

/** xs:decimal has no exponent form; JavaScript prints one for very small or large numbers. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const s = String(n);
  if (!s.includes('e')) return s;
  return Math.abs(n) < 1 ? n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '') : BigInt(Math.round(n)).toString();
}

const TEXT_SPECIAL = /[&<>]/;
const ATTR_SPECIAL = /[&<>"]/;

/**
 * Characters XML 1.0 does not allow in a document at all, escaped or not
 * (XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
 * [#x10000-#x10FFFF]): the C0 controls but tab, newline and carriage return;
 * U+FFFE and U+FFFF; and surrogates that do not form a pair.
 */
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML 1.0 forbids are what this finds
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A value holds a character no XML document may carry; `index` is where. */
export class XmlCharacterError extends Error {
  readonly code = 'XML_FORBIDDEN_CHARACTER';

  constructor(
    readonly index: number,
    readonly codePoint: number,
  ) {
    super(
      `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} at position ${index} cannot be written in XML (XML 1.0 allows no control characters but tab and line breaks, no U+FFFE or U+FFFF, no unpaired surrogates)`,
    );
    this.name = 'XmlCharacterError';
  }
}

/** Where the first character XML 1.0 forbids is in `s`, or -1. */
export function forbiddenCharAt(s: string): number {
  const m = FORBIDDEN.exec(s);
  return m ? m.index : -1;
}

function allowed(s: string): string {
  const at = forbiddenCharAt(s);
  if (at >= 0) throw new XmlCharacterError(at, s.charCodeAt(at));
  return s;
}

export function escapeText(s: string): string {
  allowed(s);
  return TEXT_SPECIAL.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s;
}

export function escapeAttr(s: string): string {
  allowed(s);
  return ATTR_SPECIAL.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;') : s;
}
