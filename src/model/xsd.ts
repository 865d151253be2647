/**
 * Reads an XML Schema of the RHEV API into a model of its types.
 *
 * Everything that needs to know the shape of the API reads this model: the
 * XML reader and writer (element order, which names are attributes, how to
 * type a value), the simulator, the client binding and the GraphQL schema
 * generator. Nothing describes a type twice.
 *
 * The reader understands the subset of XSD the engine's schemas use:
 * global elements, complex types with sequences, groups, attributes,
 * complexContent/simpleContent extensions, and simple types restricted to
 * enumerations. It flattens each type's fields in wire order (base type first),
 * which is the order a valid document must follow.
 */
import { XMLParser } from 'fast-xml-parser';

import type { ScalarKind, WireSchema } from '../xml/index.ts';

export type { ScalarKind };

export interface Field {
  /** The XML name, as on the wire (snake_case). */
  readonly name: string;
  readonly kind: 'attribute' | 'element';
  /** A complex type name, a simple type name, or an `xs:` built-in. */
  readonly type: string;
  readonly min: number;
  /** `Infinity` for unbounded. */
  readonly max: number;
  readonly doc?: string;
}

export interface ComplexType {
  readonly name: string;
  readonly base?: string;
  readonly doc?: string;
  /** For simpleContent types (text plus attributes): the built-in type of the text. */
  readonly textType?: string;
  /** Attributes then elements, base type first, in wire order. */
  readonly fields: readonly Field[];
  readonly attributes: readonly Field[];
  readonly elements: readonly Field[];
  readonly field: ReadonlyMap<string, Field>;
}

export interface SimpleType {
  readonly name: string;
  readonly base: string;
  readonly values: readonly string[];
  readonly doc?: string;
}

export class XsdModel implements WireSchema {
  constructor(
    readonly types: ReadonlyMap<string, ComplexType>,
    readonly simpleTypes: ReadonlyMap<string, SimpleType>,
    /** Global element name -> type name: the documents that can stand alone. */
    readonly elements: ReadonlyMap<string, string>,
    readonly source: string,
  ) {}

  type(name: string): ComplexType {
    const t = this.types.get(name);
    if (!t) throw new Error(`The schema has no complex type ${name}`);
    return t;
  }

  /** True when `name` is `base` or derives from it. */
  isA(name: string, base: string): boolean {
    for (let t: ComplexType | undefined = this.types.get(name); t; t = t.base ? this.types.get(t.base) : undefined) {
      if (t.name === base) return true;
    }
    return false;
  }

  /** The kind of value a built-in or simple type holds. */
  scalarKind(type: string): ScalarKind {
    const simple = this.simpleTypes.get(type);
    return builtinKind(simple ? simple.base : type);
  }
}

const BUILTIN_KIND: Record<string, ScalarKind> = {
  'xs:string': 'string',
  'xs:boolean': 'boolean',
  'xs:int': 'int',
  'xs:short': 'int',
  'xs:unsignedShort': 'int',
  'xs:unsignedInt': 'long',
  'xs:integer': 'long',
  'xs:long': 'long',
  'xs:unsignedLong': 'long',
  'xs:decimal': 'decimal',
  'xs:double': 'decimal',
  'xs:float': 'decimal',
  'xs:dateTime': 'dateTime',
};

export function builtinKind(type: string): ScalarKind {
  return BUILTIN_KIND[type] ?? 'string';
}

/** A node of fast-xml-parser's ordered output: `{ tag: children, ':@': attrs }`. */
type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

/**
 * Something wrong with an engine's self-description (its XSD, RSDL or
 * capabilities document), naming the file or URL it came from.
 */
export class DescriptionError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'DescriptionError';
  }
}

/**
 * Reads an XML Schema in three passes: parse it (no DOCTYPE, no entities),
 * index its top-level declarations, then build every complex type with its
 * fields flattened in wire order (a base type's first), and check that every
 * type it names exists.
 */
export function readXsd(text: string, source = 'schema'): XsdModel {
  const top = parseSchema(text, source);
  const index = indexDeclarations(top, source);
  const built = new TypeBuilder(index, source).buildAll();
  checkReferences(built, index, source);
  return new XsdModel(built, index.simpleTypes, index.globalElements, source);
}

function parseSchema(text: string, source: string): Node[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new DescriptionError(source, 'DOCTYPE and entity declarations are not accepted');
  let root: Node[];
  try {
    root = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      removeNSPrefix: false,
      processEntities: false,
      trimValues: true,
    }).parse(text) as Node[];
  } catch (e) {
    throw new DescriptionError(source, `not well-formed XML (${(e as Error).message})`);
  }
  const schemaNode = root.find((n) => tagOf(n) === 'xs:schema');
  if (!schemaNode) throw new DescriptionError(source, 'not an XML Schema (no xs:schema root element)');
  return children(schemaNode);
}

/** The schema's top-level declarations by name. */
interface Declarations {
  readonly groups: Map<string, Node>;
  readonly globalElements: Map<string, string>;
  readonly rawTypes: Map<string, Node>;
  readonly simpleTypes: Map<string, SimpleType>;
}

function indexDeclarations(top: Node[], source: string): Declarations {
  const index: Declarations = { groups: new Map(), globalElements: new Map(), rawTypes: new Map(), simpleTypes: new Map() };
  for (const n of top) {
    const a = attrs(n);
    switch (tagOf(n)) {
      case 'xs:group':
        index.groups.set(a.name, n);
        break;
      case 'xs:element':
        if (a.name && a.type) index.globalElements.set(a.name, a.type);
        break;
      case 'xs:complexType':
        index.rawTypes.set(a.name, n);
        break;
      case 'xs:simpleType': {
        const restriction = children(n).find((c) => tagOf(c) === 'xs:restriction');
        index.simpleTypes.set(a.name, {
          name: a.name,
          base: restriction ? (attrs(restriction).base ?? 'xs:string') : 'xs:string',
          values: restriction
            ? children(restriction)
                .filter((c) => tagOf(c) === 'xs:enumeration')
                .map((c) => attrs(c).value)
            : [],
          doc: docOf(n),
        });
        break;
      }
    }
  }
  if (index.rawTypes.size === 0) throw new DescriptionError(source, 'the schema defines no complex types');
  return index;
}

/** What one type's own declarations say besides its fields. */
interface TypeState {
  base?: string;
  textType?: string;
}

/** Builds complex types, each once, its base first; a type that extends itself is refused. */
class TypeBuilder {
  private readonly built = new Map<string, ComplexType>();
  private readonly building = new Set<string>();

  constructor(
    private readonly index: Declarations,
    private readonly source: string,
  ) {}

  buildAll(): Map<string, ComplexType> {
    for (const name of this.index.rawTypes.keys()) this.build(name);
    return this.built;
  }

  /** Collects one type's own fields through sequences, choices, groups and extensions. */
  private collect(node: Node, elements: Field[], attributes: Field[], typeName: string, state: TypeState): void {
    for (const c of children(node)) {
      const a = attrs(c);
      switch (tagOf(c)) {
        case 'xs:sequence':
        case 'xs:choice':
        case 'xs:all':
        case 'xs:complexContent':
        case 'xs:simpleContent':
          this.collect(c, elements, attributes, typeName, state);
          break;
        case 'xs:extension':
        case 'xs:restriction':
          if (a.base?.startsWith('xs:')) state.textType = a.base;
          else if (a.base) state.base = a.base;
          this.collect(c, elements, attributes, typeName, state);
          break;
        case 'xs:group': {
          const g = this.index.groups.get(a.ref);
          if (!g) throw new DescriptionError(this.source, `type ${typeName} refers to an undefined group ${a.ref}`);
          this.collect(g, elements, attributes, typeName, state);
          break;
        }
        case 'xs:element':
          elements.push(this.element(c, typeName));
          break;
        case 'xs:attribute':
          attributes.push({
            name: a.name,
            kind: 'attribute',
            type: a.type ?? 'xs:string',
            min: a.use === 'required' ? 1 : 0,
            max: 1,
            doc: docOf(c),
          });
          break;
      }
    }
  }

  private element(c: Node, typeName: string): Field {
    const a = attrs(c);
    const { globalElements } = this.index;
    const name = a.name ?? a.ref;
    if (!name) throw new DescriptionError(this.source, `type ${typeName} has an element with neither name nor ref`);
    const type =
      a.type ??
      (a.ref ? globalElements.get(a.ref) : undefined) ??
      inlineSimpleType(c) ??
      this.anonymous(c, `${typeName}_${name}`) ??
      'xs:string';
    if (a.ref && !globalElements.has(a.ref))
      throw new DescriptionError(this.source, `type ${typeName} refers to an undefined element ${a.ref}`);
    return {
      name,
      kind: 'element',
      type,
      min: a.minOccurs === undefined ? 1 : Number(a.minOccurs),
      max: a.maxOccurs === 'unbounded' ? Infinity : a.maxOccurs === undefined ? 1 : Number(a.maxOccurs),
      doc: docOf(c),
    };
  }

  /**
   * An element's own anonymous complex type (v4's `<usages>` of a network),
   * registered under a name made of its owner's and its own (`Network_usages`),
   * which no named type of the schema uses.
   */
  private anonymous(c: Node, name: string): string | undefined {
    const inline = children(c).find((n) => tagOf(n) === 'xs:complexType');
    if (!inline) return undefined;
    if (this.index.rawTypes.has(name))
      throw new DescriptionError(this.source, `an element's anonymous type would be named ${name}, which the schema already uses`);
    this.index.rawTypes.set(name, inline);
    return name;
  }

  private build(name: string): ComplexType {
    const done = this.built.get(name);
    if (done) return done;
    const node = this.index.rawTypes.get(name);
    if (!node) throw new DescriptionError(this.source, `undefined type ${name}`);
    if (this.building.has(name)) throw new DescriptionError(this.source, `type ${name} extends itself`);
    this.building.add(name);
    const ownElements: Field[] = [];
    const ownAttributes: Field[] = [];
    const state: TypeState = {};
    this.collect(node, ownElements, ownAttributes, name, state);
    const base = state.base ? this.build(state.base) : undefined;
    const elements = [...(base?.elements ?? []), ...ownElements];
    const attributes = [...(base?.attributes ?? []), ...ownAttributes];
    const fields = [...attributes, ...elements];
    const field = new Map<string, Field>();
    for (const f of fields) {
      const clash = field.get(f.name);
      // A name may repeat only as the same element (a group repeating an
      // optional element); an attribute and an element of one name would make
      // the object form ambiguous.
      if (clash && clash.kind !== f.kind)
        throw new DescriptionError(this.source, `type ${name} has both an attribute and an element named ${f.name}`);
      if (!clash) field.set(f.name, f);
    }
    const t: ComplexType = {
      name,
      base: state.base,
      doc: docOf(node),
      textType: state.textType ?? base?.textType,
      fields,
      attributes,
      elements,
      field,
    };
    this.building.delete(name);
    this.built.set(name, t);
    return t;
  }
}

/** Every type an element or a field names exists. */
function checkReferences(built: ReadonlyMap<string, ComplexType>, index: Declarations, source: string): void {
  for (const [el, type] of index.globalElements) {
    if (!built.has(type) && !index.simpleTypes.has(type) && !type.startsWith('xs:'))
      throw new DescriptionError(source, `element ${el} has undefined type ${type}`);
  }
  for (const t of built.values()) {
    for (const f of t.fields) {
      if (!f.type.startsWith('xs:') && !built.has(f.type) && !index.simpleTypes.has(f.type)) {
        throw new DescriptionError(source, `${t.name}.${f.name} has undefined type ${f.type}`);
      }
    }
  }
}

function tagOf(n: Node): string {
  for (const k in n) if (k !== ':@') return k;
  return '';
}

function children(n: Node): Node[] {
  const v = n[tagOf(n)];
  return Array.isArray(v) ? (v as Node[]) : [];
}

function attrs(n: Node): Record<string, string> {
  return n[':@'] ?? {};
}

function inlineSimpleType(n: Node): string | undefined {
  const s = children(n).find((c) => tagOf(c) === 'xs:simpleType');
  if (!s) return undefined;
  const r = children(s).find((c) => tagOf(c) === 'xs:restriction');
  return r ? attrs(r).base : undefined;
}

function docOf(n: Node): string | undefined {
  const ann = children(n).find((c) => tagOf(c) === 'xs:annotation');
  if (!ann) return undefined;
  const doc = children(ann).find((c) => tagOf(c) === 'xs:documentation');
  if (!doc) return undefined;
  const text = children(doc)
    .map((c) => (c as Record<string, unknown>)['#text'])
    .filter((t) => t !== undefined)
    .join(' ');
  return text ? String(text).replace(/\s+/g, ' ').trim() : undefined;
}
