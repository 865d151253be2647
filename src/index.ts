/**
 * rhev-graphql: the client (`rhev-graphql/rhev`), the engine simulator
 * (`rhev-graphql/simulator`) and the API model they share.
 */
export * as rhev from './rhev/index.ts';
export { startSimulator } from './simulator/index.ts';
export { bundledApiModel, bundledModel, ApiModel, XsdModel, readXsd, readRsdl } from './model/index.ts';
