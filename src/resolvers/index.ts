/** Resolvers built from the schema plan (build.ts). */
export * from './build.ts';
export { type MergedField, mergeSelections } from './selections.ts';
