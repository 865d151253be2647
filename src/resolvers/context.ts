/**
 * What every resolver receives: the caller's connection to the engine, the
 * request's loaders, the operation's signal, and (on WebSocket connections)
 * the caller's subscription watchers.
 */
import type { Loaders } from '../loaders/index.ts';
import type { Connection } from '../rhev/index.ts';
import type { Watchers } from '../subscriptions/watchers.ts';
import type { Doc } from '../xml/index.ts';

export interface Context {
  /** The engine connection of this caller (service account or their own credentials). */
  readonly connection: Connection;
  /** This request's loaders: batching and caching for this caller only. */
  readonly loaders: Loaders;
  /** The subscription hub of this caller's credential (WebSocket only). */
  readonly watchers?: Watchers;
  /**
   * Aborted when the operation must stop: its deadline passed, its caller
   * went away, or it has answered. Every engine request it started ends then.
   */
  readonly signal?: AbortSignal;
  /**
   * Root fields' values that the synchronous executor resolved before it
   * gave the query up (execution/synchronous.ts), by response key: the
   * executor that runs it next takes them from here, so the engine is not
   * asked twice.
   */
  readonly rootValues?: Map<string, unknown>;
}

/** The reason an operation's signal aborts when its time limit (operationTimeoutMs) has passed. */
export class OperationTimeout extends Error {
  readonly code = 'OPERATION_TIMEOUT';

  constructor(readonly ms: number) {
    super(`The operation did not finish within its time limit of ${ms} ms (operationTimeoutMs)`);
    this.name = 'OperationTimeout';
  }
}

/** The reason an operation's signal aborts when whoever asked is gone (HTTP connection or WebSocket closed). */
export class CallerGone extends Error {
  readonly code = 'CALLER_GONE';

  constructor() {
    super('The caller closed the connection before the answer');
    this.name = 'CallerGone';
  }
}

/** The reason an operation's signal aborts once it has answered: engine requests still running are not wanted. */
export class OperationEnded extends Error {
  readonly code = 'OPERATION_ENDED';

  constructor() {
    super('The operation has already answered');
    this.name = 'OperationEnded';
  }
}

/** What resolvers of types without a client type of their own receive: the parsed XML object. */
/** The parent object a field resolves on: an engine object as the client read it (xml's one wire-object type). */
export type Parent = Doc;
