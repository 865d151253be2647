/**
 * What the reader (read.ts) makes of the text between markup: typed values,
 * and strings that do not keep the engine's answer alive.
 *
 * The second matters for memory. V8 answers `text.slice(a, b)` of 13
 * characters or more with a view into `text`, and a view keeps the whole of
 * `text` alive: one href kept from a 64 KB chunk of an answer keeps the
 * chunk, and a list's kept values together keep all of it (a 100,000-VM
 * list is a gigabyte of XML). So a string the reader keeps is one of:
 *
 * 1. shorter than a view: V8 copies those anyway;
 * 2. a copy, made once per distinct value per document (`KeptStrings.keep`):
 *    a VM list names the same cluster, host and template hrefs thousands of
 *    times, and each is held once;
 * 3. for the `<link href=".../vms/123/nics" rel="nics"/>` that fill a v4
 *    resource (sixty of them for a VM with its disks and NICs), the
 *    resource's own href joined to the rel (`linkHref`): V8 keeps a join as
 *    a pair of pointers to strings already held.
 */
import { XmlSyntaxError } from './errors.ts';

/**
 * How a scalar's text becomes a value: kept as text, an integer (xs:int,
 * xs:long; a BigInt beyond 2^53), a decimal, a boolean, or a Date.
 */
export const TEXT = 0;
export const INTEGER = 1;
export const DECIMAL = 2;
export const BOOLEAN = 3;
export const DATE_TIME = 4;
export type Conv = typeof TEXT | typeof INTEGER | typeof DECIMAL | typeof BOOLEAN | typeof DATE_TIME;

/** The shortest slice V8 makes a view of (SlicedString::kMinLength); shorter ones are copies already. */
const VIEW_MIN = 13;
/** Longer strings are copied without being remembered: descriptions, certificates, not values that repeat. */
const LONGEST_REMEMBERED = 256;
/** Distinct strings remembered per document before the memory starts over (bounds the map on huge lists). */
const REMEMBERED = 100_000;
const SLASH = 0x2f; // /

/** The long strings one document keeps, each a copy of its own, held once. */
export class KeptStrings {
  private readonly seen = new Map<string, string>();
  /** `href + '/'` of the resources whose links were last joined, by href. */
  private readonly prefixes = new Map<string, string>();

  /** `s` as a string that keeps nothing else alive; the same value gives the same string. */
  keep(s: string): string {
    if (s.length > LONGEST_REMEMBERED) return copyOf(s);
    let kept = this.seen.get(s);
    if (kept === undefined) {
      if (this.seen.size >= REMEMBERED) this.seen.clear();
      kept = s.length < VIEW_MIN ? s : copyOf(s);
      this.seen.set(kept, kept);
    }
    return kept;
  }

  /**
   * A link's href, as `owner + '/' + rel` when it is exactly that (then no
   * characters of its own are held), else kept as any other.
   */
  linkHref(href: string, owner: string | undefined, rel: string): string {
    if (
      owner === undefined ||
      href.length !== owner.length + 1 + rel.length ||
      href.charCodeAt(owner.length) !== SLASH ||
      !href.startsWith(owner) ||
      !href.endsWith(rel)
    )
      return this.keep(href);
    let prefix = this.prefixes.get(owner);
    if (prefix === undefined) {
      if (this.prefixes.size >= REMEMBERED) this.prefixes.clear();
      this.prefixes.set(owner, (prefix = `${owner}/`));
    }
    return prefix + rel;
  }
}

/**
 * A flat copy of `s`: joining makes a new string whose characters are
 * copied when it is next read whole, and the slice of that copy keeps only
 * it alive.
 */
function copyOf(s: string): string {
  const joined = ` ${s}`;
  joined.charCodeAt(1); // read now: the join is made flat here, not later
  return joined.slice(1);
}

/** Converts a scalar's text; `at` places an error in the document. */
export function convert(conv: Conv, text: string, at: number, strings: KeptStrings): unknown {
  switch (conv) {
    case TEXT:
      return strings.keep(text);
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

/** [66] CharRef and [68] EntityRef: the five predefined entities and character references, nothing else. */
export function decodeEntities(s: string, at: number): string {
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

/** XML 1.0 §2.2 Char, for a character reference's code point. */
function isXmlChar(code: number): boolean {
  if (code < 0x20) return code === 0x9 || code === 0xa || code === 0xd;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return code !== 0xfffe && code !== 0xffff && code <= 0x10ffff;
}

export function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
