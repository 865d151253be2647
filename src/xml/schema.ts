/**
 * What the XML reader and writer need to know of a schema, and nothing more:
 * for each complex type its attributes and elements (in wire order, with how
 * many may repeat), the global elements a document may start with, and what
 * kind of value each simple type holds.
 *
 * Declared here, on the codec's side, so that the codec depends on no
 * description format: the API model (model/xsd.ts) satisfies it, and the
 * model in turn uses the codec to read the RSDL. Imports flow one way,
 * model -> xml.
 */

/** The kinds of value a text or attribute holds; each has its own conversion (read.ts). */
export type ScalarKind = 'string' | 'boolean' | 'int' | 'long' | 'decimal' | 'dateTime';

export interface WireField {
  /** The XML name, as on the wire. */
  readonly name: string;
  /** A complex type name, a simple type name, or an `xs:` built-in. */
  readonly type: string;
  /** More than 1: the element repeats (read as a list). */
  readonly max: number;
}

export interface WireType {
  /** For text-plus-attributes types: the type of the text. */
  readonly textType?: string;
  readonly attributes: readonly WireField[];
  readonly elements: readonly WireField[];
}

export interface WireSchema {
  /** Complex types by name. */
  readonly types: ReadonlyMap<string, WireType>;
  /** Global element name -> type name: the documents that can stand alone. */
  readonly elements: ReadonlyMap<string, string>;
  /** A complex type; throws when there is none of that name. */
  type(name: string): WireType;
  /** The kind of value a built-in or simple type holds. */
  scalarKind(type: string): ScalarKind;
}

/**
 * What a codec works out once per type of a schema (the writer's plans, the
 * JSON writer's shapes), kept for as long as the schema lives.
 */
export class PerType<T> {
  private readonly bySchema = new WeakMap<WireSchema, Map<string, T>>();

  of(model: WireSchema, type: string, make: () => T): T {
    let byType = this.bySchema.get(model);
    if (!byType) this.bySchema.set(model, (byType = new Map()));
    let made = byType.get(type);
    if (made === undefined) byType.set(type, (made = make()));
    return made;
  }
}
