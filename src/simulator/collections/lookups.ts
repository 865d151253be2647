/**
 * Lookups several collections' rules share: names of referenced objects for
 * search fields, what a VM's running host or a user's permissions are, and
 * the permission clean-up a removal does.
 */
import type { FieldGetter } from '../search.ts';
import type { Rec, Store, Table } from '../store.ts';

/** The name of the object `r[field]` refers to. */
export const nameOf =
  (st: Store, t: Table) =>
  (r: Rec, field: string): string | undefined =>
    r[field]?.id ? st.get(t, r[field].id)?.name : undefined;

/** The name of the data center of a cluster. */
export const clusterDc = (st: Store, clusterId?: string): string | undefined =>
  clusterId ? st.get('datacenters', st.get('clusters', clusterId)?.data_center?.id)?.name : undefined;

export const tagNames =
  (st: Store) =>
  (r: Rec): (string | undefined)[] =>
    [...(r._tags ?? [])].map((id: string) => st.get('tags', id)?.name);

/** What every searchable collection can be searched by. */
export const COMMON_FIELDS: Record<string, FieldGetter<Rec>> = {
  name: (r) => r.name,
  description: (r) => r.description,
  id: (r) => r.id,
  comment: (r) => r.comment,
  status: (r) => r.status?.state ?? r._dcState,
};

export function vmsOn(st: Store, hostId: string): Rec[] {
  const out: Rec[] = [];
  for (const v of st.table('vms').values()) if (v.host?.id === hostId) out.push(v);
  return out;
}

/** The names and user names of the users holding a permission on the object `field` = `id`. */
export function permittedUsers(st: Store, field: string, id: string): string[] {
  const out: string[] = [];
  for (const p of st.table('permissions').values()) {
    if (p[field]?.id === id && p.user) {
      const u = st.get('users', p.user.id);
      if (u) out.push(u.name, u.user_name);
    }
  }
  return out;
}

/** A removed object's permissions go with it. */
export function dropPermissions(st: Store, field: string, id: string): void {
  for (const [pid, p] of st.table('permissions')) if (p[field]?.id === id) st.table('permissions').delete(pid);
}

/** Whether a filtered user sees an object placed in a cluster: granted on it, its cluster or its data center. */
export const inCluster = (r: Rec, grants: ReadonlySet<string | undefined>, st: Store): boolean =>
  grants.has(r.id) ||
  grants.has(r.cluster?.id) ||
  grants.has(r.cluster?.id ? st.get('clusters', r.cluster.id)?.data_center?.id : undefined);

/** The fields of `obj` named in `keys` that it has. */
export function pick(obj: Rec, keys: readonly string[]): Rec {
  const out: Rec = {} as Rec;
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/** What a user holds permissions on: object ids, and `system` for a permission on the whole system. */
export function grantsOf(st: Store, userId: string): Set<string | undefined> {
  const out = new Set<string | undefined>();
  for (const p of st.table('permissions').values()) {
    if (p.user?.id !== userId) continue;
    if (p._system) out.add('system');
    for (const f of ['vm', 'template', 'cluster', 'data_center', 'host', 'storage_domain', 'vmpool']) if (p[f]) out.add(p[f].id);
  }
  return out;
}
