/**
 * Values between the engine's parsed XML and GraphQL: the Long and DateTime
 * scalars, enums (engine values are lowercase words, GraphQL values
 * uppercase), and GraphQL inputs back into XML-named objects.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { PlanType, SchemaPlan } from '../schema/index.ts';

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** Numbers beyond 2^53 travel as strings so no digit is lost; smaller ones as numbers. */
export const LongScalar = new GraphQLScalarType({
  name: 'Long',
  description: 'A whole number that may exceed 2^53; sent as a JSON number when safe, as a string otherwise.',
  serialize(v) {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint')
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : v;
    throw new GraphQLError(`Long cannot represent ${String(v)}`);
  },
  parseValue: parseLong,
  parseLiteral(ast) {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return parseLong(ast.value);
    throw badInput('A Long is written as a whole number or a string of digits.');
  },
});

function parseLong(v: unknown): number | bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v);
  throw badInput(`Not a whole number: ${JSON.stringify(v)}`);
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'A point in time, as an ISO 8601 string.',
  serialize(v) {
    const d = v instanceof Date ? v : new Date(String(v));
    if (Number.isNaN(d.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(v)}`);
    return d.toISOString();
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return parseDate(ast.value);
    throw badInput('A DateTime is written as an ISO 8601 string.');
  },
});

function parseDate(v: unknown): Date {
  const d = new Date(String(v));
  if (typeof v !== 'string' || Number.isNaN(d.getTime())) throw badInput(`Not an ISO 8601 date and time: ${JSON.stringify(v)}`);
  return d;
}

/** Engine value -> GraphQL enum value (case-insensitive); undefined when the engine sent a value the schema does not know. */
export function enumOut(t: PlanType, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  let byWire = enumsByWire.get(t);
  if (!byWire) enumsByWire.set(t, (byWire = new Map(t.wire!.map((w, i): [string, string] => [w.toLowerCase(), t.values![i]]).reverse())));
  // Engines write their words in lower case: most values are found as they are, without a new string.
  return (typeof v === 'string' ? byWire.get(v) : undefined) ?? byWire.get(String(v).toLowerCase());
}

/** Per enum type, its GraphQL values by the engine's word in lower case (the first of equal words wins, as a search would). */
const enumsByWire = new WeakMap<PlanType, Map<string, string>>();

/** A GraphQL input object (camelCase) as the engine's XML-named object. */
export function inputToXml(plan: SchemaPlan, typeName: string, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v) => inputToXml(plan, typeName, v));
  const t = plan.types.get(typeName);
  if (!t) return value;
  if (t.kind === 'enum') return t.wire![t.values!.indexOf(String(value))] ?? value;
  if (t.kind !== 'input' || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const f of t.fields) {
    const v = (value as Record<string, unknown>)[f.name];
    if (v === undefined || v === null || !f.xml) continue;
    const converted = inputToXml(plan, f.type.named, v);
    // A list the schema unwrapped goes back into its wrapper element (`disks: [..]` -> `<disks><disk>`).
    out[f.xml] = f.kind === 'unwrap' && f.item ? { [f.item]: converted } : converted;
  }
  return out;
}
