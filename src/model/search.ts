/**
 * The engine's search language, per collection: which search object of the
 * engine each searchable collection is (the REST layer searches VMs as `VM`,
 * storage domains as `STORAGE`), and what that object's searches may say
 * (search.generated.ts: its condition fields, and the objects it reaches).
 *
 * A search says `field op value` for the object's own fields (`status=up`),
 * `object.field op value` for a reached object's (`host.name=h1`, `Disks:
 * storage.name=data`), and `object op value` for a reached object's name
 * (`host=h1`). docs/protocol.md §6 has the grammar.
 */
import { SEARCH_ENTITIES, type SearchEntity } from './search.generated.ts';

export type { SearchEntity } from './search.generated.ts';

/** The engine's search object of each searchable top-level collection, by rel. */
const SEARCH_OBJECT: Readonly<Record<string, string>> = {
  vms: 'vm',
  hosts: 'host',
  templates: 'template',
  events: 'event',
  clusters: 'cluster',
  datacenters: 'datacenter',
  storagedomains: 'storage',
  disks: 'disk',
  users: 'user',
  groups: 'group',
  vmpools: 'pool',
  networks: 'network',
  vnicprofiles: 'vnicprofile',
  instancetypes: 'instancetype',
  jobs: 'job',
  quotas: 'quota',
};

/** The search object a collection is searched as, when the engine says what its searches may say. */
export function searchObjectOf(rel: string): string | undefined {
  const name = SEARCH_OBJECT[rel];
  return name && SEARCH_ENTITIES[name]?.fields.length ? name : undefined;
}

/** What searches of a collection may say; undefined where the engine's facts say nothing. */
export function searchLanguage(rel: string): SearchEntity | undefined {
  const name = searchObjectOf(rel);
  return name ? SEARCH_ENTITIES[name] : undefined;
}

/** A reached object (`hosts`, `host`, `storage`) as the search object it is (`host`, `storage`), if the engine knows it. */
export function reachedObject(ref: string): string | undefined {
  if (SEARCH_ENTITIES[ref]) return ref;
  const singular = ref.replace(/s$/, '');
  return SEARCH_ENTITIES[singular] ? singular : undefined;
}

/** The collection (top-level rel) whose records a search object's are. */
export function collectionOfObject(object: string): string | undefined {
  return Object.entries(SEARCH_OBJECT).find(([, o]) => o === object)?.[0];
}
