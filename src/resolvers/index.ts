/** Resolvers built from the schema plan (build.ts). */
export * from './build.ts';
export { guard, toGraphQLError } from './errors.ts';
export { type FieldFilter, filterLoads } from './filtering.ts';
export { inlinedRels, inlineOfList } from './inline.ts';
export { type MergedField, mergeSelections } from './selections.ts';
