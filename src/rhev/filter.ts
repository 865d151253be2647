/**
 * Client-side filtering, as Python-RHEV did it: `{ 'cluster.id': id, name: 'web-*' }`.
 * Dotted paths walk into nested objects; a string value is a glob that must
 * match the whole `String(value)`, case-sensitively; other values compare
 * with `===`; every entry must match.
 *
 * Globs are matched without regular expressions, so no glob can make the
 * matcher backtrack: the time is at most (value length x glob length), and
 * usually linear in the value. The grammar:
 *
 *   Glob      :: Segment ( `*` Segment )*
 *   Segment   :: Atom*
 *   Atom      :: `?`                     one character
 *              | `[` `!`? Item+ `]`      one character in (or, with `!`, not in) the class
 *              | `\` AnyChar             that character itself
 *              | AnyChar but `*` `?` `[` `\`
 *   Item      :: ClassChar ( `-` ClassChar )?
 *   ClassChar :: `\` AnyChar | AnyChar but `]` `\`
 *
 * A `[` without its `]`, an empty class, a reversed range and a trailing `\`
 * are errors (BadFilter), not literals: a filter that cannot mean what its
 * writer meant is refused rather than guessed at.
 *
 * Why segments: with the glob cut at its stars, the first segment must match
 * at the start, the last at the end, and each one between at its leftmost
 * place after the previous one; taking the leftmost place never loses a match
 * (any later placement leaves less room for what follows), so nothing is
 * ever tried twice.
 */
import { BadFilter } from './errors.ts';

export type Filter = Readonly<Record<string, unknown>>;

/** One position of a segment: a code unit to compare, any code unit, or a class. */
type Atom =
  | { readonly kind: 'char'; readonly code: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'class'; readonly negate: boolean; readonly ranges: readonly (readonly [number, number])[] };

type Segment = readonly Atom[];

/** A compiled glob: the segments between its stars. */
export interface Glob {
  readonly source: string;
  readonly segments: readonly Segment[];
}

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const LEFT_BRACKET = 0x5b; // [
const RIGHT_BRACKET = 0x5d; // ]
const BACKSLASH = 0x5c; // \
const BANG = 0x21; // !
const HYPHEN = 0x2d; // -

/** Compiled globs kept for reuse; bounded, least recently used first out. */
const CACHE_SIZE = 256;
/** Longer globs are compiled each time rather than kept. */
const CACHE_MAX_LENGTH = 1024;
const cache = new Map<string, Glob>();

/** Compiles a glob (kept in a small bounded cache). Throws BadFilter for one that cannot be read. */
export function compileGlob(source: string): Glob {
  const hit = cache.get(source);
  if (hit) {
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const glob: Glob = { source, segments: parseSegments(source) };
  if (source.length <= CACHE_MAX_LENGTH) {
    cache.set(source, glob);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return glob;
}

/** How many compiled globs the cache holds (for tests). */
export function globCacheSize(): number {
  return cache.size;
}

function parseSegments(src: string): Segment[] {
  const segments: Segment[] = [];
  let current: Atom[] = [];
  for (let i = 0; i < src.length; i++) {
    const code = src.charCodeAt(i);
    if (code === STAR) {
      segments.push(current);
      current = [];
    } else if (code === QUESTION) {
      current.push({ kind: 'any' });
    } else if (code === BACKSLASH) {
      if (i + 1 >= src.length) throw new BadFilter(`The glob ${quote(src)} ends with a backslash that escapes nothing`);
      current.push({ kind: 'char', code: src.charCodeAt(++i) });
    } else if (code === LEFT_BRACKET) {
      const [atom, end] = parseClass(src, i);
      current.push(atom);
      i = end;
    } else {
      current.push({ kind: 'char', code });
    }
  }
  segments.push(current);
  return segments;
}

/** Reads `[...]` starting at `start`; returns the class and the index of its `]`. */
function parseClass(src: string, start: number): [Atom, number] {
  let i = start + 1;
  const negate = src.charCodeAt(i) === BANG;
  if (negate) i++;
  const ranges: [number, number][] = [];
  const classChar = (): number => {
    const c = src.charCodeAt(i);
    if (c === BACKSLASH) {
      if (i + 1 >= src.length) throw new BadFilter(`The glob ${quote(src)} has a character class that is never closed with ]`);
      i += 2;
      return src.charCodeAt(i - 1);
    }
    i++;
    return c;
  };
  while (i < src.length && src.charCodeAt(i) !== RIGHT_BRACKET) {
    const lo = classChar();
    let hi = lo;
    if (src.charCodeAt(i) === HYPHEN && i + 1 < src.length && src.charCodeAt(i + 1) !== RIGHT_BRACKET) {
      i++;
      hi = classChar();
      if (hi < lo) throw new BadFilter(`The glob ${quote(src)} has a reversed range ${String.fromCharCode(lo)}-${String.fromCharCode(hi)}`);
    }
    ranges.push([lo, hi]);
  }
  if (i >= src.length) throw new BadFilter(`The glob ${quote(src)} has a character class that is never closed with ]`);
  if (!ranges.length) throw new BadFilter(`The glob ${quote(src)} has an empty character class []`);
  return [{ kind: 'class', negate, ranges }, i];
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}...` : s);
}

function atomMatches(a: Atom, code: number): boolean {
  if (a.kind === 'any') return true;
  if (a.kind === 'char') return a.code === code;
  let inside = false;
  for (const [lo, hi] of a.ranges)
    if (code >= lo && code <= hi) {
      inside = true;
      break;
    }
  return inside !== a.negate;
}

/** Whether `segment` matches `s` at `at` (the caller has checked there is room). */
function segmentAt(segment: Segment, s: string, at: number): boolean {
  for (let k = 0; k < segment.length; k++) if (!atomMatches(segment[k], s.charCodeAt(at + k))) return false;
  return true;
}

/** Whether the whole of `s` matches the glob. */
export function globMatches(glob: Glob | string, s: string): boolean {
  const { segments } = typeof glob === 'string' ? compileGlob(glob) : glob;
  const first = segments[0];
  if (segments.length === 1) return s.length === first.length && segmentAt(first, s, 0);
  const last = segments[segments.length - 1];
  if (first.length + last.length > s.length) return false;
  if (!segmentAt(first, s, 0) || !segmentAt(last, s, s.length - last.length)) return false;
  // Middle segments, each at its leftmost place, within what the last segment leaves.
  let pos = first.length;
  const end = s.length - last.length;
  for (let m = 1; m < segments.length - 1; m++) {
    const seg = segments[m];
    let found = -1;
    for (let at = pos; at + seg.length <= end; at++) {
      if (segmentAt(seg, s, at)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + seg.length;
  }
  return true;
}

export function valueAt(obj: unknown, path: string): unknown {
  let v: any = obj;
  for (const part of path.split('.')) {
    if (v === undefined || v === null) return undefined;
    v = Object.hasOwn(v, part) || typeof v !== 'object' ? v[part] : undefined;
  }
  return v;
}

/** Compiles every glob of a filter up front, so a bad one fails before any item is looked at. */
export function checkFilter(filter: Filter): void {
  for (const want of Object.values(filter)) if (typeof want === 'string') compileGlob(want);
}

export function matchesFilter(obj: unknown, filter: Filter): boolean {
  for (const [path, want] of Object.entries(filter)) {
    const got = valueAt(obj, path);
    if (typeof want === 'string') {
      if (got === undefined || got === null || (typeof got === 'object' && !(got instanceof Date)) || !globMatches(want, String(got)))
        return false;
    } else if (got !== want) {
      return false;
    }
  }
  return true;
}
