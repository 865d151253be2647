/**
 * What an engine does with relations that neither its XML Schema nor its
 * RSDL or model.json says: which sub-collections a list or item can carry
 * inline (on v4 `follow=` inlines any link; on v3 `detail=` inlines the ones
 * listed here and no others, docs/protocol.md §3, §10), and from that and
 * the schema, how each relation can be
 * fetched for many parents at once; and which references mean that the
 * referenced object holds the referring one (so that it gets the list of
 * them: `Cluster.vms`). This is the one home of these rules: the loaders,
 * the resolvers, the engine-cost estimate, the schema generator and the
 * simulator read them from here.
 */

/** `detail=` values each collection accepts, by path with every variable written `{id}`. */
const INLINABLE: Readonly<Record<string, readonly string[]>> = {
  vms: ['disks', 'nics', 'tags', 'statistics'],
  hosts: ['statistics'],
  'vms/{id}/disks': ['statistics'],
  'vms/{id}/nics': ['statistics'],
  'hosts/{id}/nics': ['statistics'],
};

/**
 * Shortcuts through attachment collections (the design's, not the engine's):
 * on API v4 a VM's disks are reached through its disk attachments, so a VM
 * also gets `disks`, the attachments' disks. By the attachments' rel, the
 * reference each attachment holds.
 */
const THROUGH: Readonly<Record<string, string>> = { diskattachments: 'disk' };

/** The reference a shortcut follows through the items of sub-collection `rel`, if it is one. */
export function throughOf(rel: string): string | undefined {
  return THROUGH[rel];
}

/** `vms/{vm:id}/disks` -> `vms/{id}/disks`. */
export function pathKey(path: string): string {
  return path.replace(/\{[^}]+\}/g, '{id}');
}

/** The sub-collections `detail=` inlines in the collection at `path` (and in its items). */
export function inlinableAt(path: string): readonly string[] {
  return INLINABLE[pathKey(path)] ?? [];
}

/**
 * References that mean ownership or placement: a VM lives in a cluster, on
 * a host, in a pool, made from a template; a disk on a storage domain. Other
 * references only point (a VM's icon, a storage domain's host of creation,
 * a job's owner, a cluster's management network) and make no list.
 */
const OWNING_FIELDS = new Set(['cluster', 'data_center', 'template', 'storage_domain', 'vmpool']);

/**
 * Whether `field`, a reference on items of the top-level collection `rel`
 * (holding `itemType`), makes the referenced type hold a list of them. An
 * event's references name what it is about, which is a relation too
 * (`VM.events`).
 */
export function isOwnership(rel: string, itemType: string, field: string): boolean {
  if (rel === 'events') return true;
  // A tag's references say where it is attached in a sub-collection's view, not what holds it.
  if (rel === 'tags') return false;
  // v3 names the type VM, v4 Vm.
  if (field === 'host') return itemType === 'VM' || itemType === 'Vm';
  return OWNING_FIELDS.has(field);
}

/**
 * How a sub-collection is fetched for many parents at once:
 * - `inline`: one list of the parents with `detail=` carries every parent's items;
 * - `group`: one list of the items' own top-level collection, grouped by their
 *   reference to the parent (when the engine's items carry it);
 * - `each`: one request per parent.
 */
export type Batching = 'inline' | 'group' | 'each';
