/**
 * The API model: what the engine's XML Schema and RSDL say about every type
 * and URL. Everything else (XML reading and writing, the simulator, the
 * client, the GraphQL generator) reads it from here.
 */
export { readXsd, XsdModel, DescriptionError, builtinKind } from './xsd.ts';
export { readRsdl, missingTypes, rsdlField } from './rsdl.ts';
export type { Operation, Param } from './rsdl.ts';
export { ApiModel } from './api.ts';
export type { Collection } from './api.ts';
export { inlinableAt, isOwnership, pathKey, type Batching } from './relations.ts';
export type { ComplexType, Field, SimpleType, ScalarKind } from './xsd.ts';
export * from './bundled.ts';
