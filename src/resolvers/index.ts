/** Resolvers built from the schema plan (build.ts). */
export * from './build.ts';
