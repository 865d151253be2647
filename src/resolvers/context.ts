/**
 * What every resolver receives: the caller's connection to the engine, the
 * request's loaders, and (on WebSocket connections) the caller's
 * subscription watchers. codegen.yml types the resolvers with it.
 */
import type { Loaders } from '../loaders/index.ts';
import type { Connection } from '../rhev/index.ts';
import type { Watchers } from '../subscriptions/watchers.ts';

export interface Context {
  /** The engine connection of this caller (service account or their own credentials). */
  readonly connection: Connection;
  /** This request's loaders: batching and caching for this caller only. */
  readonly loaders: Loaders;
  /** The subscription hub of this caller's credential (WebSocket only). */
  readonly watchers?: Watchers;
  /** When the operation must have answered (epoch ms); root fields give up then. */
  readonly deadline?: number;
}

/** What resolvers of types without a client type of their own receive: the parsed XML object. */
export type Parent = Record<string, any>;
