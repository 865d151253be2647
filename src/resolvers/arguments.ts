/**
 * What an argument may carry, checked before anything reaches the engine:
 * sizes (every string has a documented maximum), characters (nothing XML
 * 1.0 forbids), ids (GUIDs where the engine's ids are), and filter globs
 * (compiled up front, so a bad one is the caller's error, not the server's).
 * A refusal is BAD_USER_INPUT naming the argument by its path (`filter[0].value`).
 */
import { GraphQLError } from 'graphql';
import type { Collection } from '../model/index.ts';
import { BadFilter, compileGlob, type Fault } from '../rhev/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { forbiddenCharAt } from '../xml/index.ts';

/** The largest strings accepted, by argument (README: Reliability and security). */
export const ARGUMENT_LIMITS = {
  /** An engine search (`name=web* and status=up sortby name`). */
  search: 4096,
  /** Entries of one `filter` list. */
  filterEntries: 16,
  /** A filter's field path (`cluster.id`). */
  filterField: 256,
  /** A filter's glob: longer than any name the engine keeps. */
  filterValue: 256,
  /** Any `name` in an input. */
  name: 255,
  /** Any other string (descriptions, payloads, keys). */
  text: 64 * 1024,
} as const;

export function badInput(message: string, argument: string, cause?: Fault): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'BAD_USER_INPUT',
      argument,
      ...(cause ? { reason: cause.reason, detail: cause.detail, status: cause.status } : {}),
    },
  });
}

/** Checks every argument of a field, however deep in input objects and lists. */
export function checkArguments(args: Obj | undefined): void {
  if (!args) return;
  for (const [k, v] of Object.entries(args)) {
    if (k === 'filter' && Array.isArray(v)) checkFilterArgument(v);
    else checkValue(v, k, k);
  }
}

function checkValue(v: unknown, path: string, key: string): void {
  if (typeof v === 'string') {
    checkString(v, path, key === 'search' ? ARGUMENT_LIMITS.search : key === 'name' ? ARGUMENT_LIMITS.name : ARGUMENT_LIMITS.text);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => {
      checkValue(x, `${path}[${i}]`, key);
    });
  } else if (v && typeof v === 'object' && !(v instanceof Date)) {
    for (const [k, x] of Object.entries(v)) checkValue(x, `${path}.${k}`, k);
  }
}

function checkString(s: string, path: string, max: number): void {
  if (s.length > max) throw badInput(`${path} is ${s.length} characters long; at most ${max} are accepted`, path);
  const at = forbiddenCharAt(s);
  if (at >= 0)
    throw badInput(
      `${path} holds U+${s.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at position ${at}, a character XML 1.0 does not allow`,
      path,
    );
}

function checkFilterArgument(list: { field: string; value: string }[]): void {
  if (list.length > ARGUMENT_LIMITS.filterEntries)
    throw badInput(`filter has ${list.length} entries; at most ${ARGUMENT_LIMITS.filterEntries} are accepted`, 'filter');
  list.forEach((f, i) => {
    checkString(f.field, `filter[${i}].field`, ARGUMENT_LIMITS.filterField);
    checkString(f.value, `filter[${i}].value`, ARGUMENT_LIMITS.filterValue);
    try {
      compileGlob(f.value);
    } catch (e) {
      if (e instanceof BadFilter) throw badInput(e.message, `filter[${i}].value`);
      throw e;
    }
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Collections whose ids are not GUIDs: events are numbered; files and permits are named. */
const NAMED_IDS = new Set(['files', 'permits']);

/** Engine ids are GUIDs (events are numbered); anything else is refused before it reaches the engine. */
export function checkId(c: Collection, id: unknown, argument: string): void {
  const s = typeof id === 'string' ? id : '';
  const ok =
    c.rel === 'events'
      ? /^\d{1,19}$/.test(s)
      : NAMED_IDS.has(c.rel)
        ? s.length > 0 && s.length < 512 && forbiddenCharAt(s) < 0
        : UUID.test(s);
  if (!ok)
    throw badInput(
      `${argument} ${JSON.stringify(s.slice(0, 80))} is not ${c.rel === 'events' ? 'a number' : NAMED_IDS.has(c.rel) ? 'a name' : 'a GUID'}, as ${c.itemType} ids are`,
      argument,
    );
}
