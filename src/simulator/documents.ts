/**
 * Reading what clients send: the path and its matrix parameters, whether a
 * body gives what an RSDL parameter names, enumeration values checked as the
 * engine checks them, and an update laid over the stored record.
 */
import { inlinableAt, rsdlField, type XsdModel } from '../model/index.ts';
import type { Doc } from '../xml/index.ts';
import { readExpected } from '../xml/index.ts';
import { ENUM_FIELDS } from './capabilities.ts';
import { EngineFault, usageFault } from './faults.ts';
import type { EngineRequest } from './messages.ts';
import { type Rec, Store, type Table } from './store.ts';

/** A parsed request body: any fields of a schema type. */

/** `/vms;max=3/123` -> segments [vms, 123] and the matrix parameters. */
export function splitPath(path: string): { segments: string[]; matrix: Map<string, string> } {
  const matrix = new Map<string, string>();
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (!raw) continue;
    const [seg, ...params] = raw.split(';');
    for (const p of params) {
      const eq = p.indexOf('=');
      matrix.set(decodeURIComponent(eq < 0 ? p : p.slice(0, eq)), eq < 0 ? 'true' : decodeURIComponent(p.slice(eq + 1)));
    }
    if (seg) segments.push(seg);
  }
  return { segments, matrix };
}

export const IMMUTABLE = ['id'];

/** Equal as the engine would see them: dates by instant (a client may send 2016-06-01T00:00:00Z for ...000Z). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return new Date(a as string).getTime() === new Date(b as string).getTime();
  return String(a) === String(b);
}

/**
 * 400 Invalid value for an enumeration field holding something else. Values
 * compare case-insensitively, as in the engine, and are stored lowercase.
 */
export function checkEnums(type: string, body: Doc): void {
  for (const [path, [name, legal]] of Object.entries(ENUM_FIELDS[type] ?? {})) {
    const parts = path.split('.');
    const last = parts.pop()!;
    let holders: any[] = [body];
    for (const part of parts) holders = holders.flatMap((h) => (h?.[part] == null ? [] : Array.isArray(h[part]) ? h[part] : [h[part]]));
    for (const h of holders) {
      const v = h?.[last];
      if (v === undefined || v === null) continue;
      const lower = String(v).toLowerCase();
      if (!legal.includes(lower))
        throw new EngineFault(
          400,
          'Invalid value',
          `${v} is not a member of ${name}. Possible values for ${name} are: ${legal.join(', ')}`,
        );
      h[last] = lower;
    }
  }
}

/** Ids are UUIDs except events' (numbers), files', permits' and labels' (names), certificates' (positions) and consoles' (the protocol in hex). */
export function needsUuid(rel: string): boolean {
  return ![
    'events',
    'files',
    'permits',
    'graphicsconsoles',
    'labels',
    'virtualfunctionallowedlabels',
    'certificates',
    'clusterlevels',
  ].includes(rel);
}

/** Whether a body gives `path` (one alternative of an RSDL parameter `full`, such as `cluster.id|name`). */
export function hasPath(obj: any, path: string, full: string): boolean {
  // `cluster.id|name` alternatives share their prefix: `cluster.id` or `cluster.name`.
  const parts = path.includes('.') ? path.split('.') : [...full.split('|')[0].split('.').slice(0, -1), path];
  let v = obj;
  for (const p of parts) {
    if (v === undefined || v === null) return false;
    const holder = Array.isArray(v) ? v[0] : v;
    if (holder === undefined || holder === null || typeof holder !== 'object') return false;
    const key = rsdlField(holder, p);
    v = key === undefined ? undefined : holder[key];
  }
  return v !== undefined && v !== null && v !== '';
}

/** An update's fields laid over the stored ones, nested objects field by field. */
export function merge(current: any, update: any): any {
  if (
    update &&
    typeof update === 'object' &&
    !Array.isArray(update) &&
    !(update instanceof Date) &&
    current &&
    typeof current === 'object' &&
    !Array.isArray(current)
  ) {
    const out = { ...current };
    for (const [k, v] of Object.entries(update)) out[k] = merge(current[k], v);
    return out;
  }
  return update;
}

/**
 * A request body as a document of `element` (any element without one):
 * 415 for a body that is not XML, 400 with the usage of the RSDL entry
 * `usage` (`vms#add`) for one that cannot be read or is another document.
 */
export function readBody(model: XsdModel, req: EngineRequest, usage: string, element?: string): Rec {
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ct !== 'application/xml' && ct !== 'text/xml') throw new EngineFault(415, 'Unsupported Media Type', undefined, 'empty');
  return readExpected(model, req.body, element, () => usageFault(usage)).value;
}

/**
 * What a body lacks of an RSDL body's alternatives: undefined when it gives
 * everything one alternative requires, else the first alternative's missing
 * fields. `accepts` names fields the engine takes in place of a required one.
 */
export function unmet(
  alternatives: readonly (readonly string[])[],
  body: Rec,
  accepts: Readonly<Record<string, readonly string[]>> = {},
): string[] | undefined {
  const missing = (set: readonly string[]) =>
    set.filter((path) => ![...path.split('|'), ...(accepts[path] ?? [])].some((alt) => hasPath(body, alt, path)));
  if (!alternatives.length || alternatives.some((set) => !missing(set).length)) return undefined;
  return missing(alternatives[0]);
}

/** `detail=disks+nics` from the Accept header, a matrix or a query parameter, as far as the collection at `key` can inline it. */
export function detailOf(req: EngineRequest, key: string): Set<string> {
  const out = new Set<string>();
  const add = (v: string) => {
    for (const part of v.split(/[+ ]/)) {
      const d = part.trim();
      if (d && inlinableAt(key).includes(d)) out.add(d);
    }
  };
  for (const p of (req.headers.accept ?? '').split(';').slice(1)) {
    const [k, v] = p.split('=');
    if (k.trim() === 'detail' && v) add(v.trim());
  }
  const q = req.query.get('detail');
  if (q) add(q);
  return out;
}

/** A record with the sub-collections `detail` names written inside it. */
export function inline(store: Store, r: Rec, detail: ReadonlySet<string>): Rec {
  const out: Rec = { ...r };
  for (const d of detail) {
    if (d === 'statistics') out.statistics = { statistic: r._computed?.statistics?.(r) ?? [] };
    else if (d === 'tags') out.tags = { tag: [...(r._tags ?? [])].map((id: string) => store.get('tags', id)).filter(Boolean) };
    else out[d] = { [d.replace(/s$/, '')]: [...Store.sub(r, d).values()] };
  }
  return out;
}

/**
 * An update's body written onto a stored record: the fields its type
 * declares, references resolved to the records they name (by id or name),
 * nested objects merged field by field. What is the engine's own (ids,
 * hrefs, status, creation time) and inlined sub-collections are not written.
 */
export function writeFields(
  s: { readonly type: string; readonly xsd: XsdModel; readonly sub?: readonly { readonly rel: string }[] },
  target: Rec,
  body: Rec,
  /** The table a field's type is kept in, when the field is a reference; and the record a reference names there. */
  ref: { tableOf: (type: string) => Table | undefined; resolve: (t: Table, value: Rec, type: string) => Rec },
): void {
  const type = s.xsd.type(s.type);
  for (const [k, v] of Object.entries(body)) {
    if (k === 'id' || k === 'href' || k === 'actions' || k === 'link' || k === 'status' || k === 'creation_time') continue;
    if (s.sub?.some((sub) => sub.rel === k)) continue; // inlined sub-collections are not the resource's fields
    const field = type.field.get(k);
    if (!field) continue;
    const refTable = ref.tableOf(field.type);
    target[k] =
      refTable && v && typeof v === 'object' && !Array.isArray(v) ? ref.resolve(refTable, v as Rec, field.type) : merge(target[k], v);
  }
}
