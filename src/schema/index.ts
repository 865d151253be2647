/** The schema generator: an engine's XSD and RSDL in, a Federation 2 subgraph schema out (generate.ts; the passes in plan.ts and print.ts). */
export { planSchema } from './plan.ts';
export { gqlType, printType, requiredType, type TypeRef } from './type-ref.ts';
export type { SchemaPlan, PlanType, PlanField, PlanArg, RootField, FieldKind } from './plan.ts';
export { printSchema, FEDERATION_LINK } from './print.ts';
export { readCapabilities, CAPABILITY_ENUMS } from './capabilities.ts';
export { NameCollisionError, camel, pascal } from './names.ts';
export * from './generate.ts';
