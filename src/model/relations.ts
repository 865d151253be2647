/**
 * What an engine does with relations that neither its XML Schema nor its
 * RSDL says: which sub-collections a list or item can carry inline when
 * asked with `detail=` (docs/protocol.md §3; the 3.6 engine inlines these and
 * no others), and from that and the schema, how each relation can be
 * fetched for many parents at once. This is the one home of both rules: the
 * loaders, the resolvers, the engine-cost estimate and the simulator read
 * them from here.
 */

/** `detail=` values each collection accepts, by path with every variable written `{id}`. */
const INLINABLE: Readonly<Record<string, readonly string[]>> = {
  'vms': ['disks', 'nics', 'tags', 'statistics'],
  'hosts': ['statistics'],
  'vms/{id}/disks': ['statistics'],
  'vms/{id}/nics': ['statistics'],
  'hosts/{id}/nics': ['statistics'],
};

/** `vms/{vm:id}/disks` -> `vms/{id}/disks`. */
export function pathKey(path: string): string {
  return path.replace(/\{[^}]+\}/g, '{id}');
}

/** The sub-collections `detail=` inlines in the collection at `path` (and in its items). */
export function inlinableAt(path: string): readonly string[] {
  return INLINABLE[pathKey(path)] ?? [];
}

/**
 * How a sub-collection is fetched for many parents at once:
 * - `inline`: one list of the parents with `detail=` carries every parent's items;
 * - `group`: one list of the items' own top-level collection, grouped by their
 *   reference to the parent (when the engine's items carry it);
 * - `each`: one request per parent.
 */
export type Batching = 'inline' | 'group' | 'each';
