/**
 * What the reader (read.ts) needs of each complex type of a schema, worked
 * out once per type and schema: its children by name (with their plans or
 * conversions, and whether they repeat), its attributes, and how text in it
 * is read. Reading then looks names up in maps and builds nothing else.
 *
 * Each field also gets a function that stores its value (`Store`). V8 keeps
 * an object's properties in fast, shared-shape form only while it was given
 * them by name (`o.name = v`); given a dozen or more by a computed key
 * (`o[name] = v`), it turns the object into a hash table, about three times
 * the size and slower to read. A VM has some sixty fields, so the reader
 * stores each through a small function made once per field, in which the
 * name is written out.
 */
import type { WireSchema, WireType } from './schema.ts';
import { BOOLEAN, type Conv, DATE_TIME, DECIMAL, INTEGER, TEXT } from './values.ts';

/** What the reader needs of one complex type, looked up once per type. */
export interface Plan {
  readonly children: Map<string, Child>;
  readonly attrs: Map<string, Attribute>;
  /** simpleContent: the conversion of the element's text. */
  readonly textConv?: Conv;
  /** For `<status>UP</status>`: the first scalar element, which receives such text. */
  readonly firstScalar?: { readonly name: string; readonly conv: Conv };
  /** A new, empty object of this type (`objectMaker`). */
  readonly create: () => any;
}

export interface Child {
  /** Set for complex children; scalar children use `conv`. */
  readonly plan?: Plan;
  readonly conv: Conv;
  readonly many: boolean;
  /** Stores a value of this child into its parent: sets it, or appends it to the list when `many`. */
  readonly store: Store;
}

export interface Attribute {
  readonly conv: Conv;
  readonly store: Store;
}

/** Puts one field's value into an object, by name. */
export type Store = (obj: object, value: unknown) => void;

/** An element the schema does not know where it stands: skipped whole. */
export const SKIP: Child = { conv: TEXT, many: false, store: () => {} };

const stores = new Map<string, Store>();

/**
 * The store of a field: `o.name = v`, or `(o.name ??= []).push(v)` for a
 * repeated one, with the name written into the function (made once per
 * name; JSON.stringify makes any name a safe string literal).
 */
function storeOf(name: string, many: boolean): Store {
  const key = `${many ? '*' : ''}${name}`;
  let store = stores.get(key);
  if (!store) {
    const field = `o[${JSON.stringify(name)}]`;
    // The code is two fixed statements around a JSON string literal (see above for why it is made at all).
    const made = new Function(
      'o',
      'v',
      many ? `const a = ${field}; if (a === undefined) ${field} = [v]; else a.push(v);` : `${field} = v;`,
    );
    stores.set(key, (store = made as Store));
  }
  return store;
}

const plans = new WeakMap<WireSchema, Map<string, Plan>>();

function convOf(model: WireSchema, type: string): Conv {
  switch (model.scalarKind(type)) {
    case 'int':
    case 'long':
      return INTEGER;
    case 'decimal':
      return DECIMAL;
    case 'boolean':
      return BOOLEAN;
    case 'dateTime':
      return DATE_TIME;
    default:
      return TEXT;
  }
}

export function planOf(model: WireSchema, type: string): Plan {
  let byType = plans.get(model);
  if (!byType) plans.set(model, (byType = new Map()));
  const done = byType.get(type);
  if (done) return done;
  const t: WireType = model.type(type);
  const children = new Map<string, Child>();
  const attrs = new Map<string, Attribute>();
  const first = t.elements.find((e) => e.name !== 'actions' && !model.types.has(e.type));
  const plan: Plan = {
    create: objectMaker(t),
    children,
    attrs,
    textConv: t.textType ? convOf(model, t.textType) : undefined,
    firstScalar: first ? { name: first.name, conv: convOf(model, first.type) } : undefined,
  };
  // Registered before its children are planned: types refer to themselves (Step.parent_step).
  byType.set(type, plan);
  for (const f of t.attributes) if (storable(f.name)) attrs.set(f.name, { conv: convOf(model, f.type), store: storeOf(f.name, false) });
  for (const f of t.elements) {
    if (children.has(f.name) || !storable(f.name)) continue;
    const complex = model.types.has(f.type);
    children.set(f.name, {
      plan: complex ? planOf(model, f.type) : undefined,
      conv: complex ? TEXT : convOf(model, f.type),
      many: f.max > 1,
      store: storeOf(f.name, f.max > 1),
    });
  }
  return plan;
}

/** A schema from an engine is not trusted: a field named `__proto__` would set an object's prototype, and is never read. */
function storable(name: string): boolean {
  return name !== '__proto__';
}

/**
 * Makes the empty objects of one type. They are plain objects (their
 * prototype is Object.prototype, as a `{}`'s), but made by a constructor of
 * their own, which V8 sizes from its first instances: a link then holds its
 * two fields in a 40-byte object, where a `{}` has room for four, and a VM
 * its dozens inside the object rather than in a table beside it. The
 * constructor lists the type's fields in code that never runs, which is
 * where V8 takes its first estimate of their number.
 */
function objectMaker(t: WireType): () => any {
  const names = [...t.attributes, ...t.elements].map((f) => f.name).filter(storable);
  const fields = names.map((n) => `this[${JSON.stringify(n)}] = 0;`).join(' ');
  // The code is fixed text around JSON string literals (see storeOf).
  const Type = new Function(`if (false) { ${fields} }`) as new () => object;
  Type.prototype = Object.prototype;
  return () => new Type();
}
