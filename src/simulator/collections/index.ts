export { BEHAVIOUR, ENTRY_ORDER, defaultSource } from './table.ts';
export type { Behaviour, Created, CrudContext, RemoveContext, SearchFields } from './behaviour.ts';
export { COMMON_FIELDS, grantsOf } from './lookups.ts';
