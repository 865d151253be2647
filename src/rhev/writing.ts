/**
 * Writing resources: create (POST to the collection), update (PUT of the
 * resource's fields) and delete (DELETE, with its parameters as a body).
 * Like acting.ts, it needs only the narrow channel of a connection, and is
 * given the collection's href by the connection, which finds it by links.
 *
 * - A creation the engine runs as a task (202) is followed until the
 *   resource is no longer being created, unless `wait: false`.
 * - What the engine answers replaces what was sent: the caller's object is
 *   the engine's view afterwards, bound (its actions and sub-collections).
 */
import type { Doc as Obj } from '../xml/index.ts';
import { type Channel, waitUntil } from './acting.ts';
import { isBeingCreated } from './answers.ts';
import { tag, toXml, typeOf } from './binding.ts';
import { hrefOf, type ResourceMethods } from './bound.ts';
import { IllegalMethod, NotFound, RhevError } from './errors.ts';
import type { CallOptions } from './options.ts';

export interface CreateOptions {
  wait?: boolean;
  timeout?: number;
  signal?: AbortSignal;
}

/** POSTs `resource` (a binding object of `type`) to the collection at `href`, written as its `singular` element. */
export async function createIn<T extends object>(
  ch: Channel,
  href: string,
  resource: T,
  element: string,
  options: CreateOptions,
): Promise<T & ResourceMethods> {
  const type = typeOf(resource)!;
  const res = await ch.http('POST', href, {
    body: toXml(resource, element, ch.model),
    headers: options.wait === false ? {} : { expect: '201-created' },
    signal: options.signal,
  });
  ch.check(res, [200, 201, 202]);
  const created = ch.bind(ch.parse(res.body, element), type);
  if (res.status === 202 && options.wait !== false && created.href) {
    await waitUntil(ch, created, (current) => !isBeingCreated(current), { timeout: options.timeout, signal: options.signal });
  }
  // Bound: the created resource has its actions and sub-collections, update() and delete().
  return created as unknown as T & ResourceMethods;
}

/** PUTs a resource's fields back and refreshes it from the answer. */
export async function updateResource<T extends object>(ch: Channel, resource: T, options: CallOptions): Promise<T> {
  const type = typeOf(resource);
  if (!type) throw new RhevError('update() needs a binding object');
  const body: Obj = {};
  for (const [k, v] of Object.entries(resource)) if (k !== 'actions' && k !== 'link' && k !== 'href') body[k] = v;
  const res = await ch.http('PUT', hrefOf(resource), { body: toXml(tag(body, type), undefined, ch.model), signal: options.signal });
  if (res.status === 404) throw new NotFound(`${type} ${(resource as Obj).id} no longer exists`);
  if (res.status === 405) throw new IllegalMethod(`${type} cannot be updated`);
  ch.check(res, [200, 202]);
  Object.assign(resource, ch.parse(res.body));
  ch.bind(resource as Obj, type);
  return resource;
}

/** DELETEs a resource; `data` carries the DELETE's parameters (`<action><force>`). */
export async function deleteResource(
  ch: Channel,
  resource: object,
  data: object | undefined,
  options: CallOptions,
): Promise<Obj | undefined> {
  const body = data ? toXml(data.constructor === Object && !typeOf(data) ? tag(data, 'Action') : data, undefined, ch.model) : undefined;
  const res = await ch.http('DELETE', hrefOf(resource), { body, signal: options.signal });
  if (res.status === 404) throw new NotFound(`${typeOf(resource) ?? 'Resource'} ${(resource as Obj).id} was not found`);
  if (res.status === 405) throw new IllegalMethod(`${typeOf(resource) ?? 'Resource'} cannot be deleted`);
  ch.check(res, [200, 202, 204]);
  return res.body.trim() ? ch.parse(res.body) : undefined;
}
