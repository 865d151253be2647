/**
 * The counting pass of the schema plan: how many of a collection there are,
 * and how many in each status, without a dashboard fetching every object
 * and counting it itself.
 *
 * - `<item>Count(search)`: one request. With no search, where the caller may
 *   see the entry point's inventory summary (`vms`, `hosts`, `users`,
 *   `storage_domains`: what the engine counts for unfiltered callers), the
 *   summary answers (a few hundred bytes); otherwise one list of the
 *   collection without anything inlined (`follow`/`detail`), the lightest
 *   representation the engine offers for its items, counted here.
 * - `<item>StatusCounts(search)`: the same list, grouped by status; the
 *   status is the type's status enum where it has one (v4), the engine's
 *   word otherwise (v3).
 *
 * Both cost one engine request in the estimate (server/rules/cost.ts).
 */
import type { Collection } from '../model/index.ts';
import { camel, pascal } from './names.ts';
import type { PlanBuilder } from './plan.ts';
import { gqlType } from './type-ref.ts';

/** The entry point's summary counters, by the collection they count. */
export const SUMMARY_OF: Readonly<Record<string, string>> = {
  vms: 'vms',
  hosts: 'hosts',
  users: 'users',
  storagedomains: 'storage_domains',
};

/** Why the entry point's `summary` may be null: said where callers look for it. */
export const SUMMARY_DESCRIPTION =
  "The engine's inventory totals. Null when the engine does not show them to this caller: it counts for administrators only, so a caller whose own account is not one (served with `Filter: true`) gets null; the service account gets them unless `engine.filter` is set. `vmCount` and the other counts answer every caller.";

export function planCounts(b: PlanBuilder, entry: string | undefined): void {
  if (entry) {
    const t = b.types.get(entry);
    if (t?.fields.some((f) => f.name === 'summary'))
      b.types.set(entry, { ...t, fields: t.fields.map((f) => (f.name === 'summary' ? { ...f, description: SUMMARY_DESCRIPTION } : f)) });
  }
  for (const c of b.api.top) {
    if (!b.entityTypes.has(c.itemType) || !b.types.has(c.itemType)) continue;
    const singular = camel(c.itemElement);
    const search = c.searchable
      ? [{ name: 'search', type: gqlType('String'), description: 'An engine search, as for the list: only what matches is counted.' }]
      : [];
    b.query.push({
      name: b.rootNames.add(`${singular}Count`, `count of ${c.path}`),
      kind: 'count',
      type: gqlType('Int', { required: true }),
      args: search,
      collection: c,
      description: `How many ${c.rel} there are${c.searchable ? ' (matching `search`)' : ''}, as this caller may see them. One engine request${SUMMARY_OF[c.rel] ? '; without a search, the entry point summary answers it for callers the engine shows it to' : ''}.`,
    });
    const status = statusCountType(b, c);
    if (status)
      b.query.push({
        name: b.rootNames.add(`${singular}StatusCounts`, `status counts of ${c.path}`),
        kind: 'statusCounts',
        type: gqlType(status, { list: true, required: true }),
        args: search,
        collection: c,
        description: `How many ${c.rel} are in each status${c.searchable ? ' (of those matching `search`)' : ''}: one engine request, a list with nothing inlined.`,
      });
  }
}

/** `VmStatusCount { status: VmStatus!, count: Int! }` for a type with a status; undefined without one. */
function statusCountType(b: PlanBuilder, c: Collection): string | undefined {
  if (!b.xsd.types.get(c.itemType)?.field.has('status')) return undefined;
  const field = b.types.get(c.itemType)?.fields.find((f) => f.name === 'status');
  const named = field?.type.named;
  const statusType = named && b.types.get(named)?.kind === 'enum' ? named : 'String';
  const name = `${pascal(c.itemElement)}StatusCount`;
  if (!b.types.has(name)) {
    b.typeNames.add(name, `status counts of ${c.itemType}`);
    b.types.set(name, {
      name,
      kind: 'object',
      description: `How many ${c.rel} are in one status.`,
      fields: [
        {
          name: 'status',
          type: gqlType(statusType, { required: true }),
          kind: 'scalar',
          scalar: statusType === 'String' ? undefined : 'enum',
          description: statusType === 'String' ? "The status, in the engine's word (`up`)." : undefined,
        },
        { name: 'count', type: gqlType('Int', { required: true }), kind: 'scalar' },
      ],
    });
  }
  return name;
}
