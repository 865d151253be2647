/**
 * What a search of a collection may say, and what each name reads from a
 * record: the engine's own language (model/search.ts: the condition fields
 * of the collection's search object and the objects it reaches), with the
 * simulator's readings of them.
 *
 * - A field the collection's rules read in their own way (collections/: a
 *   VM's `cluster` is its cluster's name) is read that way; any other field
 *   of the language is read from the record's element of that name (a
 *   status as its state). A name the language does not have is an unknown
 *   field, as the engine says, even where the simulator could read it.
 * - A reached object (`host.name`, `storage.name`, `vm.name`) is read from
 *   the records the record refers to (a VM's host, a disk's storage
 *   domains) or that refer to it (a template's VMs, a VM's events), through
 *   the reached collection's own readings; alone (`host=h1`) it compares
 *   their names.
 * - Where the engine's facts say nothing of a collection, its own readings
 *   are all there is.
 */
import { collectionOfObject, reachedObject, SEARCH_ENTITIES, searchLanguage } from '../model/index.ts';
import { COMMON_FIELDS } from './collections/index.ts';
import { type Spec, v3Routes } from './routes.ts';
import type { FieldGetter } from './search.ts';
import type { Rec, Store, Table } from './store.ts';
import { TABLES } from './store.ts';

type Fields = Record<string, FieldGetter<Rec>>;
type Value = string | number | undefined;

/** The element a record of each collection is referred to by from others (`<host id>`), and its plural wrapper where there is one. */
const ELEMENT: Readonly<Record<string, { one: string; many?: string }>> = {
  vms: { one: 'vm' },
  hosts: { one: 'host' },
  templates: { one: 'template' },
  clusters: { one: 'cluster' },
  datacenters: { one: 'data_center' },
  storagedomains: { one: 'storage_domain', many: 'storage_domains' },
  users: { one: 'user' },
  events: { one: 'event' },
  vmpools: { one: 'vmpool' },
  networks: { one: 'network' },
};

/**
 * The search fields of the collection `rel`: `own(rel)` gives the readings
 * of any collection's rules (undefined where it has none).
 */
export function searchFieldsOf(st: Store, rel: string, own: (rel: string) => Fields | undefined): Fields {
  const mine = { ...COMMON_FIELDS, ...own(rel) };
  const language = searchLanguage(rel);
  if (!language) return mine;
  const out: Fields = {};
  for (const f of language.fields) out[f] = mine[f] ?? element(f);
  for (const ref of language.crossRefs) {
    const object = reachedObject(ref);
    const target = object && collectionOfObject(object);
    if (!object || !target) continue;
    const theirs = { ...COMMON_FIELDS, ...own(target) };
    const related = relatedRecords(st, rel, target);
    for (const g of SEARCH_ENTITIES[object].fields) {
      // A reading of the collection's own for the reached field (`vms.status` on hosts) is kept.
      out[`${ref}.${g}`] = mine[`${ref}.${g}`] ?? through(related, theirs[g] ?? element(g));
    }
    out[ref] = out[`${ref}.name`] ?? through(related, theirs.name);
  }
  return out;
}

/** A field read from the record's element of that name; a status as its state. */
function element(name: string): FieldGetter<Rec> {
  return (r) => {
    const v = r[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object') return v.state ?? v.name ?? undefined;
    return typeof v === 'number' ? v : String(v);
  };
}

/** A field of the related records, all their values. */
function through(related: (r: Rec) => Rec[], get: FieldGetter<Rec>): FieldGetter<Rec> {
  return (r) => {
    const out: Value[] = [];
    for (const x of related(r)) {
      const v = get(x);
      if (Array.isArray(v)) for (const one of v) out.push(one);
      else out.push(v as Value);
    }
    return out;
  };
}

/**
 * The records of `to` a record of `from` is related to: those it refers to
 * (`<host id>`, `<storage_domains><storage_domain id>`), or else those that
 * refer to it (a template's VMs), looked up once per search.
 */
function relatedRecords(st: Store, from: string, to: string): (r: Rec) => Rec[] {
  const target = ELEMENT[to];
  const source = ELEMENT[from];
  if (!target || !TABLES.includes(to as Table)) return () => [];
  const table = to as Table;
  let referring: Map<string, Rec[]> | undefined;
  return (r) => {
    const direct: Rec[] = [];
    const ids = [r[target.one]?.id, ...(target.many ? (r[target.many]?.[target.one] ?? []).map((x: Rec) => x?.id) : [])];
    for (const id of ids) {
      const x = id ? st.get(table, id) : undefined;
      if (x) direct.push(x);
    }
    if (direct.length || !source) return direct;
    if (!referring) {
      referring = new Map();
      for (const x of st.table(table).values()) {
        const id = x[source.one]?.id;
        if (!id) continue;
        const list = referring.get(id);
        if (list) list.push(x);
        else referring.set(id, [x]);
      }
    }
    return referring.get(r.id) ?? [];
  };
}

/** What a search of the collection `s` may say: the engine's language for top-level collections, a sub-collection's own rules. */
export function searchFieldsOfSpec(st: Store, s: Spec): Fields {
  if (s.key.includes('/')) return s.behaviour.search?.(st) ?? COMMON_FIELDS;
  return searchFieldsOf(st, s.key, (rel) => v3Routes().specs.get(rel)?.behaviour.search?.(st));
}
