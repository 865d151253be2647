/**
 * API v4's `follow=` (docs/protocol.md §11): a list or item answer carries,
 * inside each resource, what the named links lead to, so that one request
 * brings what would take one per resource. `follow=disk_attachments.disk,nics`
 * inlines each VM's disk attachments, each attachment's disk in place of the
 * reference to it, and each VM's NICs.
 *
 * A path's first name is a link of the resource: a sub-collection (written
 * inside the resource under the element the v4 type names it with, as a
 * collection of items) or a reference (replaced by the resource it points
 * to, from that type's top-level collection). Names match with or without
 * underscores (`disk_attachments`, `diskattachments`); the rest of the path
 * continues from there. A name that is no link of the resource is an error,
 * as the engine's.
 */
import { rsdlField } from '../model/index.ts';
import { EngineFault } from './faults.ts';
import type { EngineRequest } from './messages.ts';
import { type RouteTable, type Spec, seenAt } from './routes.ts';
import type { Rec, Store } from './store.ts';

/** The most paths one request may follow, and the deepest one: the engine's answer grows with both. */
const MAX_PATHS = 16;
const MAX_DEPTH = 4;

/** The follow paths a request asks for (`?follow=a.b,c`), each as its names. */
export function followOf(req: EngineRequest): string[][] {
  const raw = req.query.get('follow');
  if (!raw) return [];
  const paths = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('.'));
  if (paths.length > MAX_PATHS || paths.some((p) => p.length > MAX_DEPTH || p.some((n) => !/^[a-z_]+$/.test(n)))) {
    throw new EngineFault(400, 'Bad Request', `Invalid follow parameter: at most ${MAX_PATHS} paths of at most ${MAX_DEPTH} link names`);
  }
  return paths;
}

/**
 * Per request, the records of each top-level collection a reference is
 * followed into, by id: listed once when first needed, so following the disk
 * of every attachment of 10,000 VMs is one pass over the disks, not one
 * search per attachment.
 */
export type FollowCache = Map<string, Map<string, Rec>>;

/** A resource with what its follow paths lead to written inside it. */
export function followed(
  store: Store,
  routes: RouteTable,
  s: Spec,
  rec: Rec,
  paths: readonly string[][],
  cache: FollowCache = new Map(),
): Rec {
  if (!paths.length) return rec;
  const out: Rec = { ...rec };
  const byFirst = new Map<string, string[][]>();
  for (const [first, ...rest] of paths) byFirst.set(first, [...(byFirst.get(first) ?? []), ...(rest.length ? [rest] : [])]);
  const type = s.xsd.type(s.type);
  for (const [name, rest] of byFirst) {
    const sub = s.sub.find((x) => x.rel === name.replace(/_/g, ''));
    if (sub) {
      const element = rsdlField(type.field, name) ?? sub.collection;
      const items = [...sub.source.list(store, rec, sub)].map((r) => followed(store, routes, sub, seenAt(sub, r), rest, cache));
      out[element] = { [sub.item]: items };
      continue;
    }
    const field = rsdlField(type.field, name);
    const target = field ? routes.root.find((x) => x.type === type.field.get(field)!.type) : undefined;
    if (!field || !target) throw new EngineFault(400, 'Bad Request', `Link '${name}' of '${s.item}' cannot be followed`);
    const ref = rec[field];
    let byId = cache.get(target.key);
    if (!byId) {
      byId = new Map();
      for (const r of target.source.list(store, undefined, target)) byId.set(String(r.id), r);
      cache.set(target.key, byId);
    }
    const found = ref?.id ? byId.get(String(ref.id)) : undefined;
    if (found) out[field] = followed(store, routes, target, seenAt(target, found), rest, cache);
  }
  return out;
}
