/**
 * What every resolver receives: the caller's connection to the engine.
 * Per-request loaders join it with the GraphQL layer.
 */
import type { Connection } from '../rhev/index.ts';

export interface Context {
  /** The engine connection of this caller (service account or their own credentials). */
  readonly connection: Connection;
}

/** What resolvers of types without a client type of their own receive: the parsed XML object. */
export type Parent = Record<string, any>;
