/**
 * Bound resources: what the engine sends, given the methods of its type.
 * A resource of type VM gets `start()`, `disks()`, `update()` and the rest
 * from one prototype shared by every VM (made once from the API model, and
 * grown by any action or link an engine lists beyond it), and remembers its
 * connection and the sub-collections the engine inlined (v3 `detail=`, v4
 * `follow=`), so that
 * `vm.disks()` answers those without a request.
 */
import type { ApiModel } from '../model/index.ts';
import type { Doc as Obj } from '../xml/index.ts';
import { tag, typeOf } from './binding.ts';
import type { Connection } from './connection.ts';
import { RhevError } from './errors.ts';
import type { ActionOptions, ListOptions, WaitOptions } from './options.ts';

/** The connection a bound object belongs to (non-enumerable). */
export const CONN: unique symbol = Symbol.for('rhev.connection');
/** Sub-collections the engine inlined (detail= or follow=), by rel (non-enumerable). */
export const INLINE: unique symbol = Symbol.for('rhev.inline');

/** A collection: an array of bound resources, with the collection's own fields. */
export class ResourceList<T = Obj> extends Array<T> {
  static override get [Symbol.species]() {
    return Array;
  }

  /** The collection document's own fields (actions, links, size, ...). */
  declare readonly meta: Obj;
}

/**
 * Appends every item, one at a time: `push(...items)` passes each item as an
 * argument, and an engine's list (136,000 VMs, an event log) is more
 * arguments than the call stack holds.
 */
function appendAll<T, L extends T[]>(out: L, items: readonly T[]): L {
  for (let i = 0; i < items.length; i++) out.push(items[i]);
  return out;
}

/** A collection's items as a ResourceList of `type`, with the collection document's own fields as `meta`. */
export function resourceList<T>(items: Obj[], type: string, meta: Obj): ResourceList<T> {
  const out = appendAll(new ResourceList<T>(), items as T[]);
  Object.defineProperty(out, 'meta', { value: meta, enumerable: false });
  tag(out, type);
  return out;
}

/** A resource's href, which every call on an existing resource needs. */
export function hrefOf(obj: object): string {
  const h = (obj as Obj).href;
  if (!h) throw new RhevError(`${typeOf(obj) ?? 'The object'} has no href: get it from the engine first`);
  return h;
}

/**
 * Where a sub-collection the engine inlined sits in a resource of one type:
 * v3 puts it under the rel (`disks`); v4's follow= under the type's element,
 * with its underscores (`disk_attachments` for the rel `diskattachments`).
 * Worked out once per type and rel, not per object: a list binds thousands.
 */
class InlineKeys {
  private readonly byRel = new Map<string, string | null>();
  constructor(private readonly elements: readonly string[]) {}

  /** The key of `obj` holding the inlined `rel`, if it is there (a document, not what binding left in its place). */
  of(rel: string, obj: Obj): string | undefined {
    if (isInlined(obj, rel)) return rel;
    let key = this.byRel.get(rel);
    if (key === undefined) {
      key = this.elements.find((e) => e.includes('_') && e.replace(/_/g, '') === rel) ?? null;
      this.byRel.set(rel, key);
    }
    return key !== null && isInlined(obj, key) ? key : undefined;
  }
}

function isInlined(obj: Obj, key: string): boolean {
  if (!Object.hasOwn(obj, key)) return false;
  const v = obj[key];
  return typeof v === 'object' && v !== null;
}

const inlineKeys = new WeakMap<ApiModel, Map<string, InlineKeys>>();

function inlineKeysFor(type: string, m: ApiModel): InlineKeys {
  let byType = inlineKeys.get(m);
  if (!byType) inlineKeys.set(m, (byType = new Map()));
  let k = byType.get(type);
  if (!k) byType.set(type, (k = new InlineKeys(m.xsd.types.get(type)?.elements.map((e) => e.name) ?? [])));
  return k;
}

/** Per API model (one per dialect), the prototypes of its types. */
const prototypes = new WeakMap<ApiModel, Map<string, object>>();

/** The shared prototype of bound resources of one type: base methods, actions, sub-collections. */
function prototypeFor(type: string, m: ApiModel): object {
  let byType = prototypes.get(m);
  if (!byType) prototypes.set(m, (byType = new Map()));
  let proto = byType.get(type);
  if (proto) return proto;
  proto = Object.create(ResourceMethods.prototype);
  for (const name of m.actionsOf(type).keys()) defineAction(proto!, name);
  for (const rel of m.subsOf(type).keys()) defineSub(proto!, rel);
  byType.set(type, proto!);
  return proto!;
}

function defineAction(proto: object, name: string): void {
  if (name in proto) return;
  Object.defineProperty(proto, name, {
    value: function (this: Obj, data?: object, options?: ActionOptions) {
      return conn(this).action(this, name, data, options);
    },
    configurable: true,
  });
}

/** An inlined sub-collection's items, once bound, by the inlined document they came from. */
const boundInline = new WeakMap<object, Obj[]>();

/**
 * The items of a sub-collection the engine inlined into `obj` (detail=,
 * follow=), bound once however often they are asked for; undefined when it
 * was not inlined. Shared: callers must not change the array.
 */
export function inlinedItems(obj: Obj, rel: string): readonly Obj[] | undefined {
  const inline = obj[INLINE as any]?.[rel];
  if (!inline) return undefined;
  let items = boundInline.get(inline);
  if (!items) {
    const c = conn(obj);
    const sub = c.model.subsOf(typeOf(obj) ?? '').get(rel);
    const element = sub?.itemElement ?? Object.keys(inline).find((k) => Array.isArray(inline[k]));
    items = ((element ? inline[element] : undefined) ?? []).map((i: Obj) => bindResource(c, i, sub?.itemType ?? typeOf(i) ?? '')) as Obj[];
    boundInline.set(inline, items);
  }
  return items;
}

function defineSub(proto: object, rel: string): void {
  if (rel in proto) return;
  Object.defineProperty(proto, rel, {
    value: function (this: Obj, options: ListOptions = {}) {
      const noQuery = Object.keys(options).every((k) => k === 'signal');
      // Inlined by the list that brought this resource: no round trip.
      const items = noQuery ? inlinedItems(this, rel) : undefined;
      if (items) {
        const out = appendAll(new ResourceList<Obj>(), items);
        Object.defineProperty(out, 'meta', { value: {}, enumerable: false });
        return Promise.resolve(out);
      }
      return conn(this).getAll(rel, { ...options, base: this });
    },
    configurable: true,
  });
}

function conn(obj: Obj): Connection {
  const c = obj[CONN as any];
  if (!c) throw new RhevError('This object is not bound to a connection');
  return c;
}

/** Methods every bound resource has. */
export class ResourceMethods {
  /** Re-reads this resource from the engine. */
  reload(this: Obj, options?: { detail?: string | readonly string[] }) {
    return conn(this).reload(this, options);
  }
  /** Writes this resource's changes back to the engine. */
  update(this: Obj) {
    return conn(this).update(this);
  }
  /** Deletes this resource; `data` carries the DELETE's parameters. */
  delete(this: Obj, data?: object) {
    return conn(this).delete(this, { data });
  }
  /** Creates a dependent resource (a disk of this VM). */
  create(this: Obj, resource: object, options?: { wait?: boolean }) {
    return conn(this).create(resource, { ...options, base: this });
  }
  /** Waits for this resource to reach a status (or, with null, to be deleted). */
  waitForStatus(this: Obj, status: string | readonly string[] | null, options?: WaitOptions) {
    return conn(this).waitForStatus(this, status, options);
  }
}

/**
 * The names a bound resource of `type` may answer from its prototype rather
 * than from what the engine sent: whatever its prototype chain holds (the
 * model's actions and sub-collections of the type, every resource's methods,
 * Object's own). Actions and links an engine lists beyond the model are
 * never given a field's name (bindResource), so any other field name read
 * from a resource is the engine's data or nothing: the GraphQL layer reads
 * such fields without a resolver of its own (resolvers/build.ts).
 */
export function prototypeNames(type: string, m: ApiModel): ReadonlySet<string> {
  const names = new Set<string>();
  for (let o: object | null = prototypeFor(type, m); o; o = Object.getPrototypeOf(o))
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  return names;
}

/** A name the engine listed beyond the model (an action, a link) may become a method unless it is a field of the type. */
function mayBecomeMethod(name: string, type: string, m: ApiModel): boolean {
  return !m.xsd.types.get(type)?.field.has(name);
}

export function bindResource<T extends Obj>(c: Connection, obj: T, type: string): T {
  const proto = prototypeFor(type, c.model);
  // Actions and links the engine lists beyond what the model knows become methods too (not under a field's name).
  for (const l of obj.actions?.link ?? []) if (!(l.rel in proto) && mayBecomeMethod(l.rel, type, c.model)) defineAction(proto, l.rel);
  const inline: Obj = {};
  const keys = inlineKeysFor(type, c.model);
  for (const l of obj.link ?? []) {
    const rel = String(l.rel);
    if (rel.includes('/')) continue;
    if (!(rel in proto) && mayBecomeMethod(rel, type, c.model)) defineSub(proto, rel);
    const key = keys.of(rel, obj);
    if (key !== undefined) {
      inline[rel] = obj[key];
      stepAside(obj, key, proto);
    }
  }
  tag(obj, type);
  Object.defineProperty(obj, CONN, { value: c, enumerable: false, configurable: true, writable: true });
  if (Object.keys(inline).length) Object.defineProperty(obj, INLINE, { value: inline, enumerable: false, configurable: true });
  // The prototype goes last. V8 gives resources read alike one shared shape through the changes above only
  // in this order; after it, each change would give each object a shape (and a hidden-class table) of its own.
  if (Object.getPrototypeOf(obj) !== proto) Object.setPrototypeOf(obj, proto);
  bindFollowed(c, obj, type);
  return obj;
}

/**
 * Takes an inlined sub-collection out of the resource's own fields, where it
 * would hide the prototype's method of the same name (`vm.nics()`). Not by
 * `delete`, which turns the object into a slow hash table (a list binds
 * thousands): the field stays, not enumerable, holding what the prototype
 * has under that name (the method, or nothing).
 */
function stepAside(obj: Obj, key: string, proto: object): void {
  Object.defineProperty(obj, key, { value: (proto as Obj)[key], enumerable: false, writable: true, configurable: true });
}

/**
 * Binds the objects `follow=` put in place of references (a disk
 * attachment's `disk`, a VM's `cluster`), at any depth: each is a resource
 * of the field's type, with links of its own, and must answer the calls a
 * resource answers (its statistics, its own links). A bare reference (id and
 * href only) stays as it is; the model says each field's type.
 */
function bindFollowed(c: Connection, obj: Obj, type: string): void {
  const t = c.model.xsd.types.get(type);
  if (!t) return;
  for (const key in obj) {
    const v = obj[key];
    if (!v || typeof v !== 'object') continue;
    const f = t.field.get(key);
    if (!f || !c.model.xsd.types.has(f.type)) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (isFollowed(v[i])) bindResource(c, v[i], f.type);
    } else if (isFollowed(v)) {
      bindResource(c, v, f.type);
    } else {
      // A list of references wrapped in its plural element (`<storage_domains><storage_domain/>…`).
      const inner = c.model.xsd.types.get(f.type);
      for (const g of inner?.elements ?? []) {
        const items = v[g.name];
        if (Array.isArray(items)) for (let i = 0; i < items.length; i++) if (isFollowed(items[i])) bindResource(c, items[i], g.type);
      }
    }
  }
}

/** A followed target: a resource the engine inlined whole, with links of its own, not a bare reference. */
function isFollowed(v: unknown): v is Obj {
  return (
    !!v && typeof v === 'object' && (v as Obj).href !== undefined && ((v as Obj).link !== undefined || (v as Obj).actions !== undefined)
  );
}
