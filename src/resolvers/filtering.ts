/**
 * `filter` on a root list, done so that its answer is what a caller means:
 *
 * 1. Filtered first, then paged: `vms(filter: [{field: "name", value:
 *    "db-*"}], max: 3)` is three VMs named db-*, not the db-* among the
 *    engine's first three. So a filtered list is read whole (one request,
 *    as the cost estimate counts it), matched, and then `page` and `max`
 *    cut it here.
 * 2. A path through a reference resolves: `cluster.name` on a VM, whose
 *    `cluster` the engine gives as an id, is matched against the cluster
 *    itself, loaded by id (one batched request per referenced type, also
 *    in the estimate).
 * 3. A path that cannot match is refused, naming it (`BAD_USER_INPUT`,
 *    `argument: "filter[0].field"`): one naming no field of the type, or
 *    one going through a second reference (`cluster.data_center.name`;
 *    `cluster.data_center.id` is there to filter on).
 */

import type { Loaders } from '../loaders/index.ts';
import type { XsdModel } from '../model/index.ts';
import { checkFilter, matchesFilter } from '../rhev/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { badInput } from './arguments.ts';

/** One entry of the `filter` argument. */
export interface FieldFilter {
  readonly field: string;
  readonly value: string;
}

/** How one filter path is read: from the item itself, or through the reference its first segment names. */
interface PathPlan {
  readonly path: string;
  readonly value: string;
  /** The reference field and the entity type it points to, when the path goes through one. */
  readonly via?: { readonly field: string; readonly type: string };
}

/** Whether a type is an engine resource (has an id): a field of that type holds a reference. */
function isEntity(xsd: XsdModel, type: string): boolean {
  return !!xsd.types.get(type)?.field.has('id') && xsd.isA(type, 'BaseResource');
}

/** Checks every path against the item type (see the header, point 3) and says how each is read. */
export function planFilter(xsd: XsdModel, itemType: string, filter: readonly FieldFilter[]): PathPlan[] {
  // Globs that cannot be read are refused here too, before anything is asked of the engine.
  checkFilter(Object.fromEntries(filter.map((f) => [f.field, f.value])));
  return filter.map((f, i) => {
    const argument = `filter[${i}].field`;
    const segments = f.field.split('.');
    let type = itemType;
    let via: PathPlan['via'];
    for (let s = 0; s < segments.length; s++) {
      const field = xsd.types.get(type)?.field.get(segments[s]);
      if (!field) throw badInput(`${f.field}: ${type} has no field ${segments[s]}`, argument);
      const last = s === segments.length - 1;
      if (!last && isEntity(xsd, field.type) && segments[s + 1] !== 'id' && segments[s + 1] !== 'href') {
        if (s > 0 || via)
          throw badInput(
            `${f.field} goes through a second reference (${segments.slice(0, s + 1).join('.')}); filter on ${segments.slice(0, s + 1).join('.')}.id instead`,
            argument,
          );
        via = { field: segments[0], type: field.type };
      }
      type = field.type;
    }
    return { path: f.field, value: f.value, via };
  });
}

/**
 * The items that match every path, references loaded where a path goes
 * through one (each referenced object once, through the loaders' batches).
 */
export async function applyFilter(items: readonly Obj[], plans: readonly PathPlan[], loaders: Loaders): Promise<Obj[]> {
  const referenced = new Map<string, Map<string, Obj | null>>();
  for (const p of plans) {
    if (!p.via) continue;
    const byId = referenced.get(p.via.field) ?? new Map<string, Obj | null>();
    referenced.set(p.via.field, byId);
    const ids = new Set(items.map((i) => i[p.via!.field]?.id).filter((id): id is string => typeof id === 'string'));
    const list = [...ids];
    const loaded = await Promise.all(list.map((id) => loaders.load(p.via!.type, id)));
    for (let k = 0; k < list.length; k++) byId.set(list[k], loaded[k]);
  }
  const filter = Object.fromEntries(plans.map((p) => [p.path, p.value]));
  return items.filter((item) => {
    if (!referenced.size) return matchesFilter(item, filter);
    // The item as the paths read it: each reference a path goes through replaced by what it names.
    const seen: Obj = { ...item };
    for (const [field, byId] of referenced) seen[field] = byId.get(item[field]?.id) ?? item[field];
    return matchesFilter(seen, filter);
  });
}

/**
 * For the cost estimate: how many referenced types a filter loads (each one
 * batched request). A variable's filter is unknown before it runs: one is
 * assumed. A filter that would be refused costs nothing.
 */
export function filterLoads(xsd: XsdModel, itemType: string, filter: readonly FieldFilter[] | 'variable'): number {
  if (filter === 'variable') return 1;
  try {
    return new Set(
      planFilter(xsd, itemType, filter)
        .map((p) => p.via?.type)
        .filter(Boolean),
    ).size;
  } catch {
    return 0;
  }
}

/** Page `page` (from 1) of `max` items, or the first `max`, or all. */
export function pageOf<T>(items: readonly T[], max: number | undefined, page: number | undefined): T[] {
  if (max === undefined) return [...items];
  const start = ((page ?? 1) - 1) * max;
  return items.slice(start, start + max);
}
