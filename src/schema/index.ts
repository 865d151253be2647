/** The schema generator: an engine's XSD and RSDL in, a Federation 2 subgraph schema out (generate.ts; the passes in plan.ts and print.ts). */

export { CAPABILITY_ENUMS, readCapabilities } from './capabilities.ts';
export { SUMMARY_OF } from './counts.ts';
export * from './generate.ts';
export { camel, enumValue, NameCollisionError, pascal, sentence } from './names.ts';
export type { FieldKind, PlanArg, PlanField, PlanType, RootField, SchemaPlan } from './plan.ts';
export { planSchema } from './plan.ts';
export { FEDERATION_LINK, printSchema } from './print.ts';
export { gqlType, printType, requiredType, type TypeRef } from './type-ref.ts';
