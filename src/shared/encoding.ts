/**
 * The form an engine answer takes in Redis: the parsed document as plain
 * JSON, with the paths of the values JSON has no type for listed beside it
 * (dates, written as JSON writes them, and numbers beyond 2^53, written as
 * digits), and the document's type.
 *
 * Why this form: reading the engine's own bytes back means parsing XML again
 * on every replica, the costliest step of a read (docs/performance.md). Plain
 * JSON is read by JSON.parse at its full speed; a reviver called for every
 * value would cost it twice over, so the few typed values are put back by
 * their paths instead. The replicas bench compares both forms' bytes and
 * read times (`npm run bench`, section 9).
 */
import { tag, typeOf } from '../rhev/binding.ts';
import type { Doc } from '../xml/index.ts';

/** Where a value is: keys and indexes from the document down. */
type Path = (string | number)[];

interface Stored {
  /** The document's type (`VMs`, `Vm`). */
  readonly t: string | null;
  readonly v: Doc;
  /** Paths of dates. */
  readonly d: Path[];
  /** Paths of numbers beyond 2^53. */
  readonly b: Path[];
}

/** The paths of the dates and big numbers under `value`. */
function typedPaths(value: unknown, path: Path, dates: Path[], bigs: Path[]): void {
  if (value instanceof Date) dates.push([...path]);
  else if (typeof value === 'bigint') bigs.push([...path]);
  else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v !== null && (typeof v === 'object' || typeof v === 'bigint')) {
        path.push(i);
        typedPaths(v, path, dates, bigs);
        path.pop();
      }
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const v = (value as Doc)[key];
      if (v !== null && (typeof v === 'object' || typeof v === 'bigint')) {
        path.push(key);
        typedPaths(v, path, dates, bigs);
        path.pop();
      }
    }
  }
}

const bigAsDigits = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/** A parsed document as Redis keeps it. */
export function encodeDoc(doc: Doc): string {
  const d: Path[] = [];
  const b: Path[] = [];
  typedPaths(doc, [], d, b);
  const stored: Stored = { t: typeOf(doc) ?? null, v: doc, d, b };
  // The replacer is only for the rare document that has a big number: it slows every value down.
  return JSON.stringify(stored, b.length ? bigAsDigits : undefined);
}

/** Puts the value at `path` under `root` through `as`. */
function retype(root: Doc, path: Path, as: (v: unknown) => unknown): void {
  let at: Doc = root;
  for (let i = 0; i < path.length - 1; i++) at = at[path[i]];
  const last = path[path.length - 1];
  at[last] = as(at[last]);
}

/** The document back, tagged with its type as the reader tags it. */
export function decodeDoc(text: string): Doc {
  const stored = JSON.parse(text) as Stored;
  for (const p of stored.d) retype(stored.v, p, (v) => new Date((v as string | null) ?? Number.NaN));
  for (const p of stored.b) retype(stored.v, p, (v) => BigInt(v as string));
  return stored.t ? tag(stored.v, stored.t) : stored.v;
}
