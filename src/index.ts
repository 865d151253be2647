/**
 * rhev-graphql: the client (`rhev-graphql/rhev`), the engine simulator
 * (`rhev-graphql/simulator`) and the API model they share.
 */

export { ApiModel, bundledApiModel, bundledModel, readRsdl, readXsd, XsdModel } from './model/index.ts';
export * as rhev from './rhev/index.ts';
export { startSimulator } from './simulator/index.ts';
