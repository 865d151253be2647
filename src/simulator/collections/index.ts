export type { Behaviour, Created, CrudContext, RemoveContext, SearchFields } from './behaviour.ts';
export { COMMON_FIELDS, grantsOf } from './lookups.ts';
export { BEHAVIOUR, defaultSource, ENTRY_ORDER, TABLE_OF, TYPE_OF_TABLE, TYPE_WORD } from './table.ts';
