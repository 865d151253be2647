/**
 * Prints a schema plan as a Federation 2 subgraph SDL: entities with
 * `@key(fields: "id")`, value types `@shareable` (another subgraph may
 * resolve the same value types), and the `@link` importing both; cache
 * hints on slow-changing types where asked (cache.ts).
 */

import { CACHE_CONTROL_DEFINITIONS, cacheControlDirective, isSlowChanging } from './cache.ts';
import type { PlanArg, PlanField, PlanType, RootField, SchemaPlan } from './plan.ts';
import { printType, type TypeRef } from './type-ref.ts';

export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])';

export interface PrintOptions {
  /** Seconds slow-changing types may be cached for (cache.ts); 0 or absent: no hints. */
  readonly cacheMaxAgeSeconds?: number;
}

export function printSchema(plan: SchemaPlan, header: readonly string[] = [], options: PrintOptions = {}): string {
  const out: string[] = [];
  for (const h of [...header, ...plan.notes]) out.push(`# ${h}`);
  out.push(FEDERATION_LINK, '');
  const maxAge = options.cacheMaxAgeSeconds ?? 0;
  if (maxAge > 0) out.push(CACHE_CONTROL_DEFINITIONS);
  out.push(
    block('Numbers that may exceed 2^53 (memory and disk sizes in bytes), sent as a JSON number when safe and as a string otherwise.'),
    'scalar Long',
    '',
  );
  out.push(block('A point in time, as an ISO 8601 string.'), 'scalar DateTime', '');
  out.push(rootType('Query', plan.query));
  if (plan.mutation.length) out.push(rootType('Mutation', plan.mutation));
  if (plan.subscription.length) out.push(rootType('Subscription', plan.subscription));
  const sorted = [...plan.types.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const t of sorted) out.push(typeBlock(t, plan, maxAge));
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function rootType(name: string, fields: readonly RootField[]): string {
  return `type ${name} {\n${fields.map((f) => fieldLine(f.name, f.type, f.args, f.description)).join('\n')}\n}\n`;
}

function typeBlock(t: PlanType, plan: SchemaPlan, maxAge: number): string {
  const doc = t.description ? block(t.description) : '';
  if (t.kind === 'enum') return `${doc}enum ${t.name} {\n${t.values!.map((v) => `  ${v}`).join('\n')}\n}\n`;
  if (t.kind === 'input')
    return `${doc}input ${t.name} {\n${t.fields.map((f) => fieldLine(f.name, f.type, undefined, f.description)).join('\n')}\n}\n`;
  const federation = t.entity && plan.entities.has(t.name) ? ' @key(fields: "id")' : t.entity ? ' @key(fields: "id")' : ' @shareable';
  const directive = maxAge > 0 && isSlowChanging(t.name) ? `${federation}${cacheControlDirective(maxAge)}` : federation;
  return `${doc}type ${t.name}${directive} {\n${t.fields.map((f: PlanField) => fieldLine(f.name, f.type, f.args, f.description)).join('\n')}\n}\n`;
}

function fieldLine(name: string, type: TypeRef, args: readonly PlanArg[] | undefined, description: string | undefined): string {
  const doc = description ? block(description, '  ') : '';
  const a = args?.length
    ? `(\n${args.map((x) => `${x.description ? block(x.description, '    ') : ''}    ${x.name}: ${printType(x.type)}`).join('\n')}\n  )`
    : '';
  return `${doc}  ${name}${a}: ${printType(type)}`;
}

function block(text: string, indent = ''): string {
  const clean = text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"""');
  return `${indent}"""${clean}"""\n`;
}
