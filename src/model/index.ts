/**
 * The API model: what the engine's XML Schema and RSDL say about every type
 * and URL. Everything else (XML reading and writing, the simulator, the
 * client, the GraphQL generator) reads it from here.
 */

export type { Collection } from './api.ts';
export { ApiModel } from './api.ts';
export * from './bundled.ts';
export { type Batching, inlinableAt, isOwnership, pathKey, throughOf } from './relations.ts';
export type { Operation, Param } from './rsdl.ts';
export { missingTypes, readRsdl, rsdlField } from './rsdl.ts';
export { SEARCH_ENTITIES } from './search.generated.ts';
export { collectionOfObject, reachedObject, type SearchEntity, searchLanguage, searchObjectOf } from './search.ts';
export type { EngineModelJson } from './services.ts';
export { COMPACT_FORMAT, compactModel, modelDocs, parseModelJson, readServices, xsdTypeOf } from './services.ts';
export type { ComplexType, Field, ScalarKind, SimpleType } from './xsd.ts';
export { builtinKind, DescriptionError, readXsd, XsdModel } from './xsd.ts';
