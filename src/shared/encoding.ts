/**
 * The form an engine answer takes in Redis: the parsed document as JSON,
 * with the two kinds of value JSON lacks tagged (`{"$d": epoch ms}` for a
 * date, `{"$b": "digits"}` for a number beyond 2^53), and the document's
 * type beside it. No XML name begins with `$`, so a tag cannot be mistaken
 * for an element.
 *
 * Why not the engine's own bytes: reading them back means parsing XML again
 * on every replica, the costliest step of a read (docs/performance.md);
 * this form is smaller and JSON.parse reads it several times faster (the
 * replicas bench measures both, `npm run bench`).
 */
import { tag, typeOf } from '../rhev/binding.ts';
import type { Doc } from '../xml/index.ts';

interface Stored {
  /** The document's type (`VMs`, `Vm`). */
  readonly t: string | null;
  readonly v: Doc;
}

function replace(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // JSON.stringify has already turned a Date into a string by now: the holder still has the Date.
  const raw = this[key];
  if (raw instanceof Date) {
    const ms = raw.getTime();
    return { $d: Number.isNaN(ms) ? null : ms };
  }
  if (typeof value === 'bigint') return { $b: value.toString() };
  return value;
}

function revive(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as { $d?: number | null; $b?: string };
  if ('$d' in v) return new Date(v.$d ?? Number.NaN);
  if ('$b' in v) return BigInt(v.$b as string);
  return value;
}

/** A parsed document as Redis keeps it. */
export function encodeDoc(doc: Doc): string {
  const stored: Stored = { t: typeOf(doc) ?? null, v: doc };
  return JSON.stringify(stored, replace);
}

/** The document back, tagged with its type as the reader tags it. */
export function decodeDoc(text: string): Doc {
  const stored = JSON.parse(text, revive) as Stored;
  return stored.t ? tag(stored.v, stored.t) : stored.v;
}
