/**
 * A connection typed by one dialect's collections: `getAll('vms')` answers
 * that dialect's VMs (`V4.VmResource` on API v4), and a collection or field
 * the dialect does not have fails to compile. The same Connection object,
 * seen through the dialect's generated types (types-v4.generated.ts,
 * types.generated.ts), without the untyped string forms.
 */

import type { ResourceList } from './bound.ts';
import { Connection } from './connection.ts';
import type { ConnectionOptions, GetOptions, ListOptions } from './options.ts';
import type { Collections as V3Collections } from './types.generated.ts';
import type { Collections as V4Collections } from './types-v4.generated.ts';

export type TypedConnection<C> = Omit<Connection, 'getAll' | 'get'> & {
  /** Lists a top-level collection of the dialect, or a sub-collection with `base`. */
  getAll<K extends keyof C & string>(type: K, options?: ListOptions): Promise<ResourceList<C[K]>>;
  /** One resource of a top-level collection of the dialect, by id or search. */
  get<K extends keyof C & string>(type: K, options?: GetOptions): Promise<C[K] | undefined>;
};

/** A connection that speaks API v4 (oVirt 4.4-4.6, RHV 4.4, OLVM), typed by its model. */
export type V4Connection = TypedConnection<V4Collections>;
/** A connection that speaks API v3 (RHEV 3.x), typed by its schema. */
export type V3Connection = TypedConnection<V3Collections>;

/** A connection told to speak API v4, typed by the v4 model. */
export function connectV4(options: ConnectionOptions = {}): V4Connection {
  return new Connection({ ...options, apiVersion: 4 }) as unknown as V4Connection;
}

/** A connection told to speak API v3, typed by the v3 schema. */
export function connectV3(options: ConnectionOptions = {}): V3Connection {
  return new Connection({ ...options, apiVersion: 3 }) as unknown as V3Connection;
}
