/** Resolvers built from the schema plan (build.ts). */
export * from './build.ts';
export { mergeSelections, type MergedField } from './selections.ts';
