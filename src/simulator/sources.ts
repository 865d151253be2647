/**
 * Where a collection's records come from. The engine keeps some objects in
 * tables of their own (VMs, hosts), some below their parent (a VM's disks),
 * shows some top-level objects below a parent they belong to (a data
 * center's clusters), computes some when asked (statistics) and reports some
 * from the guest or the host (sessions, hooks). Each kind is one Source here;
 * src/simulator/collections/ says which collection uses which.
 */
import { type Rec, Store, type Table, uuidOf } from './store.ts';

/** What a source needs to know about the collection it serves. */
export interface SourceSpec {
  readonly rel: string;
}

export interface Source {
  list(store: Store, parent: Rec | undefined, spec: SourceSpec): Iterable<Rec>;
  get(store: Store, id: string, parent: Rec | undefined, spec: SourceSpec): Rec | undefined;
  /** The table the records live in, for collections the generic add and remove serve. */
  readonly table?: Table;
  /** The parent's own map the records live in (`Store.sub(parent, sub)`), likewise. */
  readonly sub?: string;
}

/** A top-level table. */
export const table = (t: Table): Source => ({
  list: (s) => s.table(t).values(),
  get: (s, id) => s.get(t, id),
  table: t,
});

/**
 * Records the parent owns, in its own map: a VM's disks, a role's permits.
 * Below a parent seen elsewhere than where it is stored (a cluster below its
 * data center, a role below a user) they are seen there too: copies with an
 * href below that parent, whose `_base` is the stored record.
 */
export const owned = (rel: string): Source => {
  const seen = (r: Rec, p: Rec): Rec => (p._base ? { ...r, href: `${p.href}/${rel}/${r.id}`, _base: r._base ?? r } : r);
  return {
    *list(_s, p) {
      if (p) for (const r of Store.sub(p, rel).values()) yield seen(r, p);
    },
    get(_s, id, p) {
      const r = p ? Store.sub(p, rel).get(id) : undefined;
      return r && p ? seen(r, p) : undefined;
    },
    sub: rel,
  };
};

/** The permissions granted on the system itself, which the engine lists at the top level with hrefs of their own. */
export const systemPermissions: Source = {
  *list(s) {
    for (const r of s.table('permissions').values()) if (r._system) yield { ...r, href: `permissions/${r.id}`, _base: r };
  },
  get(s, id) {
    const r = s.get('permissions', id);
    return r?._system ? { ...r, href: `permissions/${r.id}`, _base: r } : undefined;
  },
  table: 'permissions',
};

/**
 * What the engine reports rather than stores (a running guest's devices,
 * sessions and applications, a host's hooks and NUMA nodes): made from the
 * parent when asked, with stable ids and hrefs below it.
 */
export const reported = (make: (parent: Rec, store: Store) => Record<string, unknown>[]): Source => {
  const all = (s: Store, p: Rec, spec: SourceSpec): Rec[] =>
    make(p, s).map((r) => {
      const id = String(r.id ?? uuidOf(`${p.id}/${spec.rel}/${String(r.name)}`));
      return { ...r, id, href: `${p.href}/${spec.rel}/${id}` } as Rec;
    });
  return {
    list: (s, p, spec) => (p ? all(s, p, spec) : []),
    get: (s, id, p, spec) => (p ? all(s, p, spec).find((r) => r.id === id) : undefined),
  };
};

/**
 * Records of a top-level table that belong to the parent by a predicate,
 * seen from the parent: the engine gives them an href below it
 * (`vms/{vm}/tags/{tag}`), so each is a shallow copy whose `_base` is the
 * stored record (updates and removals go there).
 */
export const view = (
  t: Table,
  belongs: (r: Rec, parent: Rec, s: Store) => boolean,
  derive?: (r: Rec, parent: Rec, s: Store) => Rec,
): Source => {
  const seen = (r: Rec, p: Rec, s: Store, spec: SourceSpec): Rec =>
    derive ? derive(r, p, s) : { ...r, href: `${p.href}/${spec.rel}/${r.id}`, _base: r };
  return {
    *list(s, p, spec) {
      if (!p) return;
      for (const r of s.table(t).values()) if (belongs(r, p, s)) yield seen(r, p, s, spec);
    },
    get(s, id, p, spec) {
      const r = s.get(t, id);
      return r && p && belongs(r, p, s) ? seen(r, p, s, spec) : undefined;
    },
  };
};

/** Computed on demand (statistics): the parent's `_computed[rel]` function. */
export const computed = (rel: string): Source => ({
  list: (_s, p) => (p?._computed?.[rel] ? p._computed[rel](p) : []),
  get: (_s, id, p) => (p?._computed?.[rel] ? (p._computed[rel](p) as Rec[]).find((r) => r.id === id) : undefined),
});

/** Nothing to list: the capabilities, which the engine answers from its own document. */
export const none: Source = { list: () => [], get: () => undefined };
