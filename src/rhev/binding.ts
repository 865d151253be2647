/**
 * Binding types: the seed's `rhev.schema`. Resources and collections are
 * plain objects whose keys are the API's XML names (`data_center`,
 * `provisioned_size`), typed from api/api.xsd (see types.generated.ts). Each
 * carries its schema type in a hidden property, so the client knows how to
 * write it back and where it belongs.
 */
import { type ApiModel, bundledApiModel, bundledModel, type XsdModel } from '../model/index.ts';
import type { Doc } from '../xml/index.ts';
import { readDocument, UnknownDocumentError, writeDocument, XmlSyntaxError } from '../xml/index.ts';
import { ParseError, RhevError } from './errors.ts';
import type { Types } from './types.generated.ts';

/** The schema type of a binding object (non-enumerable). */
export const TYPE: unique symbol = Symbol.for('rhev.type');

export type Typed<T = Doc> = T & { readonly [TYPE]?: string };

export interface TypeInfo {
  /** Resource and collection schema types, such as `VM` and `VMs`. */
  readonly resourceType: string;
  readonly collectionType?: string;
  /** Element names: `vm`, and the relationship name `vms`. */
  readonly singular: string;
  readonly plural?: string;
}

/** The API model the binding functions use unless given another: API v3's, as Python-RHEV's. */
export function model(): ApiModel {
  return bundledApiModel();
}

/** The schema type of an object made by this module or returned by a connection. */
export function typeOf(obj: object): string | undefined {
  return (obj as Typed)[TYPE];
}

export function tag<T extends object>(obj: T, type: string): Typed<T> {
  Object.defineProperty(obj, TYPE, { value: type, enumerable: false, configurable: true, writable: true });
  return obj as Typed<T>;
}

/**
 * Type information for a resource type (`VM`), a collection type (`VMs`), a
 * relationship name (`vms`) or a singular (`vm`). With `base`, a
 * relationship is looked up below that resource's type (`nics` below a host
 * is `HostNIC`, below a VM it is `NIC`).
 */
export function typeInfo(key: string | object, base?: object, m: ApiModel = model()): TypeInfo | undefined {
  const name = typeof key === 'string' ? key : typeOf(key);
  if (!name) return undefined;
  const baseType = base ? typeOf(base) : undefined;
  const candidates = baseType ? [...m.subsOf(baseType).values()] : m.top;
  const all = [...candidates, ...m.collections.values()];
  const c = all.find((x) => x.rel === name) ?? all.find((x) => x.itemType === name || x.collectionType === name || x.itemElement === name);
  if (c) return { resourceType: c.itemType, collectionType: c.collectionType, singular: c.itemElement, plural: c.rel };
  if (name === 'API' || name === 'api') return { resourceType: 'API', singular: 'api' };
  if (m.xsd.types.has(name)) return { resourceType: name, singular: m.elementOf(name) ?? name.toLowerCase() };
  return undefined;
}

/** The parsed XML Schema the client was built with. */
export function getXmlSchema(): XsdModel {
  return bundledModel();
}

/** A new, unbound object of a binding type: `newResource('VM', { name: 'web1' })`. */
export function newResource<K extends keyof Types>(type: K, fields?: Partial<Types[K]>): Typed<Types[K]>;
export function newResource<T extends object = Doc>(type: string, fields?: Partial<T>): Typed<T>;
export function newResource<T extends object = Doc>(type: string, fields: Partial<T> = {}): Typed<T> {
  return newResourceOf(model(), type, fields);
}

/** `newResource` in a given API model (a connection's dialect). */
export function newResourceOf<T extends object>(m: ApiModel, type: string, fields: Partial<T> = {}): Typed<T> {
  if (!m.xsd.types.has(type)) throw new RhevError(`Unknown binding type ${type}`);
  return tag({ ...fields } as T, type);
}

/** A copy that only has the id: for operations that expect a reference. */
export function ref<T extends object>(obj: Typed<T>): Typed<T> {
  const id = (obj as any).id;
  return tag({ id } as unknown as T, typeOf(obj) ?? '');
}

/** Like `ref`, with the href as well. */
export function href<T extends object>(obj: Typed<T>): Typed<T> {
  const { id, href: h } = obj as any;
  return tag({ id, href: h } as unknown as T, typeOf(obj) ?? '');
}

/** Copies every attribute of `upd` that is not undefined/null onto `obj` (same binding type). */
export function update<T extends object>(obj: Typed<T>, upd: Typed<Partial<T>>): Typed<T> {
  const a = typeOf(obj),
    b = typeOf(upd);
  if (a && b && a !== b) throw new RhevError(`Cannot update a ${a} from a ${b}`);
  for (const [k, v] of Object.entries(upd)) if (v !== undefined && v !== null) (obj as any)[k] = v;
  return obj;
}

/** A shallow copy: attributes are shared between the two. */
export function copy<T extends object>(obj: Typed<T>): Typed<T> {
  const out = Object.create(Object.getPrototypeOf(obj));
  for (const k of Reflect.ownKeys(obj)) Object.defineProperty(out, k, Object.getOwnPropertyDescriptor(obj, k)!);
  return out;
}

/** Parses an API document into a binding object; ParseError for malformed or unknown documents. */
export function createFromXml<T extends object = Doc>(xml: string): Typed<T> {
  try {
    const doc = readDocument(model().xsd, xml);
    return tag(doc.value as T, doc.type);
  } catch (e) {
    if (e instanceof UnknownDocumentError)
      throw new ParseError(`Not a document of the API: <${e.element}> is not a known element`, { cause: e });
    if (e instanceof XmlSyntaxError) throw new ParseError(`Could not parse the document: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Writes a binding object as XML (the document element is its type's element). */
export function toXml(obj: object, element?: string, m: ApiModel = model()): string {
  const type = typeOf(obj);
  if (!type) throw new RhevError('Not a binding object: make it with newResource() or get it from a connection');
  const el = element ?? m.elementOf(type);
  if (!el) throw new RhevError(`Type ${type} has no document element`);
  return writeDocument(m.xsd, el, obj);
}

/** The attributes set on `obj`, in schema order: [name, value] pairs. */
export function* attributes(obj: object): IterableIterator<[string, unknown]> {
  const type = typeOf(obj);
  const t = type ? model().xsd.types.get(type) : undefined;
  if (!t) {
    yield* Object.entries(obj);
    return;
  }
  for (const f of t.fields) {
    const v = (obj as any)[f.name];
    if (v !== undefined) yield [f.name, v];
  }
}

/** The binding type of an attribute: `subtype('VM', 'cluster')` is `Cluster`. */
export function subtype(owner: object | string, prop: string): string | undefined {
  const type = typeof owner === 'string' ? owner : typeOf(owner);
  const f = type ? model().xsd.types.get(type)?.field.get(prop) : undefined;
  return f?.type;
}
