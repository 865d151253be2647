/**
 * Cache hints: which types change slowly enough that a router or CDN may keep
 * an answer made only of them for a while (Apollo's `@cacheControl`, which
 * Apollo Server turns into the answer's `Cache-Control` header). Data centers,
 * clusters, templates, networks, storage domains and the like change when an
 * administrator changes them; VMs, hosts, disks, events and statistics change
 * on their own, so they carry no hint and any answer with one of them is not
 * cached. Every engine answer is a caller's own view (`Filter`, permissions),
 * so the scope is PRIVATE: cacheable for that caller only.
 */

/** The slow-changing types, by their names in either dialect. */
const SLOW = new Set([
  'DataCenter',
  'Cluster',
  'ClusterLevel',
  'Template',
  'Network',
  'VnicProfile',
  'StorageDomain',
  'Role',
  'Permit',
  'Tag',
  'MacPool',
  'OperatingSystemInfo',
  'InstanceType',
  'Capabilities',
  'VersionCaps',
]);

export function isSlowChanging(type: string): boolean {
  return SLOW.has(type);
}

/** What the schema declares to carry the hints. */
export const CACHE_CONTROL_DEFINITIONS = `directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION

enum CacheControlScope {
  PUBLIC
  PRIVATE
}
`;

export function cacheControlDirective(maxAgeSeconds: number): string {
  return ` @cacheControl(maxAge: ${maxAgeSeconds}, scope: PRIVATE)`;
}
