/** Executors of our own, beside graphql-js and graphql-jit (see each file's header). */
export { executeSynchronously, type RootValues, type SynchronousRun } from './synchronous.ts';
