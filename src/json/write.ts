/**
 * Writes plain objects as the JSON an API v4 engine sends when asked for
 * `Accept: application/json` (docs/protocol.md §13.4): the shape
 * the engine's JAX-RS layer gives its XML classes when Jackson reads their
 * XML annotations.
 *
 * - Keys are the XML names (`data_center`, `href`), attributes and elements
 *   alike, in the order the XML writer uses; the document element has no key
 *   of its own (`GET /vms/123` is the VM's object, `GET /vms` is
 *   `{"vm": [...]}`).
 * - A repeated element is an array under its own name, inside its wrapper
 *   (`"nics": {"nic": [...]}`, `"link": [{href, rel}]`); an empty one is
 *   left out, as a field never set is.
 * - xs:int and xs:boolean values are strings (`"cores": "2"`,
 *   `"stateless": "false"`: the engine binds them through adapters that
 *   print text), xs:long and xs:decimal are numbers, xs:dateTime a number of
 *   milliseconds since 1970.
 * - It is indented as Jackson's default pretty printer does: two spaces per
 *   level, `"key" : value`, arrays on the line of their first element
 *   (`[ {` ... `}, {` ... `} ]`).
 *
 * The simulator writes this; the client reads it with read.ts.
 */
import { hrefBelow, PerType, type ScalarKind, type WireSchema, type WireType } from '../xml/index.ts';

export interface JsonWriteOptions {
  /** Prefix for relative hrefs, such as `/ovirt-engine/api` (xml/write.ts WriteOptions). */
  readonly hrefBase?: string;
}

type Kind = 'text' | 'quoted' | 'number' | 'date' | 'complex' | 'href';

interface Field {
  readonly name: string;
  /** `"name" : `, written once. */
  readonly key: string;
  readonly kind: Kind;
  readonly type?: string;
}

interface Shape {
  readonly fields: readonly Field[];
  readonly textKind?: Kind;
}

/** How each kind of schema value is written in the engine's JSON (see above): xs:int and xs:boolean quoted. */
const KIND_OF: Readonly<Record<ScalarKind, Kind>> = {
  string: 'text',
  boolean: 'quoted',
  int: 'quoted',
  long: 'number',
  decimal: 'number',
  dateTime: 'date',
};

const shapes = new PerType<Shape>();

function shapeOf(model: WireSchema, typeName: string): Shape {
  return shapes.of(model, typeName, () => makeShape(model, typeName));
}

function makeShape(model: WireSchema, typeName: string): Shape {
  const t: WireType = model.type(typeName);
  const kindOf = (type: string): Kind => (model.types.has(type) ? 'complex' : KIND_OF[model.scalarKind(type)]);
  const field = (name: string, type: string, kind: Kind): Field => ({ name, key: `${JSON.stringify(name)} : `, kind, type });
  return {
    fields: [
      ...t.attributes.map((f) => field(f.name, f.type, f.name === 'href' ? 'href' : kindOf(f.type))),
      ...t.elements.map((f) => field(f.name, f.type, kindOf(f.type))),
    ],
    // simpleContent: Jackson names the text `value`.
    textKind: t.textType ? kindOf(t.textType) : undefined,
  };
}

/** Writes `value` as the document `root` (a global element of the schema) in the engine's JSON. */
export function writeJsonDocument(model: WireSchema, root: string, value: object, options: JsonWriteOptions = {}): string {
  return new JsonWriter(model, options.hrefBase).object(documentType(model, root), value, '');
}

/**
 * A list document in pieces, for an answer written as it is sent (as
 * xml/write.ts writeListPieces): the opening, each item as it is taken from
 * `items`, the closing. Joined, they are writeJsonDocument's text for
 * `{ [item]: [...items] }`.
 */
export function* writeJsonListPieces(
  model: WireSchema,
  root: string,
  item: string,
  items: Iterable<object>,
  options: JsonWriteOptions = {},
): Generator<string> {
  const field = shapeOf(model, documentType(model, root)).fields.find((f) => f.name === item && f.kind === 'complex');
  if (!field) throw new Error(`${root} has no ${item} items`);
  const w = new JsonWriter(model, options.hrefBase);
  let opened = false;
  for (const v of items) {
    if (v === undefined || v === null) continue;
    const piece = w.object(field.type!, v, '  ');
    yield opened ? `, ${piece}` : `{\n  ${field.key}[ ${piece}`;
    opened = true;
  }
  yield opened ? ' ]\n}' : '{ }';
}

function documentType(model: WireSchema, root: string): string {
  const type = model.elements.get(root);
  if (!type || !model.types.has(type)) throw new Error(`The schema has no document element ${root}`);
  return type;
}

class JsonWriter {
  constructor(
    private readonly model: WireSchema,
    private readonly hrefBase: string | undefined,
  ) {}

  /** An object of `type`, its members indented one level past `indent`. */
  object(type: string, value: any, indent: string): string {
    const shape = shapeOf(this.model, type);
    const inner = `${indent}  `;
    const members: string[] = [];
    for (const f of shape.fields) {
      const v = value[f.name];
      // A function is a bound resource's method standing where an inlined collection was (rhev/bound.ts).
      if (v === undefined || v === null || typeof v === 'function') continue;
      if (Array.isArray(v)) {
        const items = v.filter((x) => x !== undefined && x !== null).map((x) => this.value(f, x, inner));
        if (items.length) members.push(`${inner}${f.key}[ ${items.join(', ')} ]`);
      } else {
        members.push(`${inner}${f.key}${this.value(f, v, inner)}`);
      }
    }
    if (shape.textKind) {
      const text = typeof value === 'object' ? value.$value : value;
      if (text !== undefined && text !== null) members.push(`${inner}"value" : ${scalar(text, shape.textKind)}`);
    }
    return members.length ? `{\n${members.join(',\n')}\n${indent}}` : '{ }';
  }

  private value(f: Field, v: any, indent: string): string {
    if (f.kind === 'complex') return typeof v === 'object' ? this.object(f.type!, v, indent) : '{ }';
    if (f.kind === 'href') return JSON.stringify(hrefBelow(this.hrefBase, String(v)));
    return scalar(v, f.kind);
  }
}

/** One scalar as the engine writes its kind. */
function scalar(v: unknown, kind: Kind): string {
  if (v instanceof Date) return kind === 'date' ? String(v.getTime()) : JSON.stringify(v.toISOString());
  if (kind === 'number' && (typeof v === 'number' || typeof v === 'bigint')) return Number.isFinite(Number(v)) ? String(v) : '0';
  if (kind === 'date' && typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? JSON.stringify(v) : String(t);
  }
  if (kind === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return v.trim();
  return JSON.stringify(typeof v === 'string' ? v : String(v));
}
