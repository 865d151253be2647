/**
 * rhev-graphql/rhev: a client for the RHEV / oVirt REST API v3, carrying over
 * the whole of Python-RHEV's API in TypeScript idiom.
 *
 *   const conn = new Connection({ url: 'https://engine/api', username: 'admin@internal', password });
 *   for (const vm of await conn.getAll('vms', { name: 'web*' })) await vm.start();
 */
export { Connection, stateOfStatus } from './connection.ts';
export { ResourceList, CONN, INLINE } from './bound.ts';
export type { ConnectionOptions, ListOptions, GetOptions, WaitOptions, ActionOptions, CallOptions, EngineAccess } from './options.ts';
export { RhevError, ParseError, ConnectionError, ResponseTooLarge, Aborted, ForeignOrigin, BadFilter, IllegalMethod, NotFound, IllegalAction, ResponseError, Fault, ActionError, faultCode } from './errors.ts';
export { typeInfo, getXmlSchema, newResource, ref, href, update, copy, createFromXml, toXml, attributes, subtype, typeOf, TYPE } from './binding.ts';
export type { TypeInfo, Typed } from './binding.ts';
export { matchesFilter, checkFilter, compileGlob, globMatches } from './filter.ts';
export type { Filter } from './filter.ts';
export type { Logger } from './log.ts';
export { redact } from './log.ts';
export type * from './types.generated.ts';
export type { ResourceMethods } from './bound.ts';
