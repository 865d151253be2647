/**
 * rhev-graphql/rhev: a client for the oVirt / RHV REST API, v4 (what every
 * supported engine speaks; it logs in through the engine's SSO service) and
 * v3 (RHEV 3.x, and 4.0-4.3 when asked), carrying over the whole of
 * Python-RHEV's API in TypeScript idiom.
 *
 *   const conn = new Connection({ url: 'https://engine/ovirt-engine/api', username: 'admin@internal', password });
 *   for (const vm of await conn.getAll('vms', { name: 'web*' })) await vm.start();
 */

export { type EngineFormat, stateOfStatus } from './answers.ts';
export type { Typed, TypeInfo } from './binding.ts';
export {
  attributes,
  copy,
  createFromXml,
  getXmlSchema,
  href,
  newResource,
  ref,
  subtype,
  TYPE,
  toXml,
  typeInfo,
  typeOf,
  update,
} from './binding.ts';
export type { ResourceMethods } from './bound.ts';
export { CONN, INLINE, inlinedItems, prototypeNames, ResourceList } from './bound.ts';
export { AnswerBudget, DEFAULT_ANSWER_BUDGET_BYTES } from './budget.ts';
export { Connection } from './connection.ts';
export {
  Aborted,
  ActionError,
  BadFilter,
  BudgetExceeded,
  ConnectionError,
  CredentialsRefused,
  Fault,
  ForeignOrigin,
  faultCode,
  IllegalAction,
  IllegalMethod,
  NotFound,
  ParseError,
  ResponseError,
  ResponseTooLarge,
  RhevError,
} from './errors.ts';
export type { Filter } from './filter.ts';
export { checkFilter, compileGlob, globMatches, matchesFilter } from './filter.ts';
export type { ReadAnswer, SharedReads, Stamp } from './fresh.ts';
export { FreshWindow, Generation } from './fresh.ts';
export type { Logger } from './log.ts';
export { redact } from './log.ts';
export type { ActionOptions, CallOptions, ConnectionOptions, EngineAccess, GetOptions, ListOptions, WaitOptions } from './options.ts';
export { connectV3, connectV4, type TypedConnection, type V3Connection, type V4Connection } from './typed.ts';
export type * from './types.generated.ts';
/** API v4's types, generated from its model: `V4.Vm`, `V4.VmResource`, `V4.Collections`. */
export type * as V4 from './types-v4.generated.ts';
export { DEFAULT_UNCHANGED_BYTES, UnchangedAnswers } from './unchanged.ts';
