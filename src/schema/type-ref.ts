/**
 * A GraphQL type as the plan holds it: a named type, a list of it or not,
 * required or not. Lists in this schema always hold non-null items (`[X!]`),
 * so these three parts say everything, and every reader (the resolvers, the
 * value converters, the cost estimate) reads them instead of taking a printed
 * type apart. The SDL printer is the one place a type becomes text.
 */
export interface TypeRef {
  /** The named type: `VM`, `String`, `VMInput`. */
  readonly named: string;
  /** A list of the named type (of non-null items). */
  readonly list: boolean;
  /** Non-null itself. */
  readonly required: boolean;
}

/** `X`, `X!`, `[X!]` or `[X!]!`. */
export function gqlType(named: string, shape: { list?: boolean; required?: boolean } = {}): TypeRef {
  return { named, list: shape.list ?? false, required: shape.required ?? false };
}

/** The same type, non-null. */
export function requiredType(t: TypeRef): TypeRef {
  return t.required ? t : { ...t, required: true };
}

/** The type as SDL writes it. */
export function printType(t: TypeRef): string {
  const inner = t.list ? `[${t.named}!]` : t.named;
  return t.required ? `${inner}!` : inner;
}
